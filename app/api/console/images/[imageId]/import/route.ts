// Console: start a web-download or copy-image import of an image (Glance's
// body and checks; 202, the import runs as a task the image page follows).
import { consoleRoute } from '@/http/console-route';
import { readJson } from '@/http/glance-route';
import { consoleImport } from '@/lib/console/imports';

export const dynamic = 'force-dynamic';

export const POST = consoleRoute<{ imageId: string }>(async ({ req, ctx, params }) => {
  await consoleImport(ctx, params.imageId, await readJson(req));
  return new Response(null, { status: 202 });
});
