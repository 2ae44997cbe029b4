// Console download link: the image data as an attachment named after the image.
import { consoleRoute } from '@/lib/console/route';
import { imageDataResponse } from '@/lib/http/image-data';
import { openImageData } from '@/lib/images/data';
import { showImage } from '@/lib/images/service';

export const dynamic = 'force-dynamic';

export const GET = consoleRoute<{ imageId: string }>(async ({ ctx, params }) => {
  const image = await showImage(ctx, params.imageId);
  const filename = String(image.name ?? image.id).replace(/[^\w.-]+/g, '_') || String(image.id);
  return imageDataResponse(await openImageData(ctx, params.imageId, null), {
    'Content-Disposition': `attachment; filename="${filename}"`,
  });
});
