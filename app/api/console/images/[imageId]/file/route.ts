// Console download link: the image data as an attachment named after the image.
import { Readable } from 'node:stream';
import { consoleRoute } from '@/lib/console/route';
import { openImageData } from '@/lib/images/data';
import { showImage } from '@/lib/images/service';

export const dynamic = 'force-dynamic';

export const GET = consoleRoute<{ imageId: string }>(async ({ ctx, params }) => {
  const image = await showImage(ctx, params.imageId);
  const data = await openImageData(ctx, params.imageId, null);
  if (!data.stream) return new Response(null, { status: 204 });
  const filename = String(image.name ?? image.id).replace(/[^\w.-]+/g, '_') || String(image.id);
  const headers: Record<string, string> = {
    'Content-Type': 'application/octet-stream',
    'Content-Length': String(data.size),
    'Content-Disposition': `attachment; filename="${filename}"`,
  };
  if (data.checksum) headers['Content-MD5'] = data.checksum;
  return new Response(Readable.toWeb(data.stream) as ReadableStream<Uint8Array>, { status: 200, headers });
});
