// The console's download link (/api/console/images/{id}/file): the image
// data as an attachment named after the image. A Pages API route for Node's
// response: see http/node-route.ts.
import { consoleRoute } from '@/http/console-route';
import { imageDataResponse } from '@/http/image-data';
import { nodeRoute, type Answer } from '@/http/node-route';
import { openImageData } from '@/lib/images/upload-download';
import { showImage } from '@/lib/images/image-service';

export const config = { api: { bodyParser: false, responseLimit: false, externalResolver: true } };

const download = consoleRoute<{ imageId: string }, Answer>(async ({ ctx, params }) => {
  const image = await showImage(ctx, params.imageId);
  const filename = String(image.name ?? image.id).replace(/[^\w.-]+/g, '_') || String(image.id);
  return imageDataResponse(await openImageData(ctx, params.imageId, null), {
    'Content-Disposition': `attachment; filename="${filename}"`,
  });
});

export default nodeRoute({ GET: download }, async () => new Response(null, { status: 405, headers: { Allow: 'GET' } }));
