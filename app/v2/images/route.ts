// GET /v2/images (list) and POST /v2/images (create).
import { baseUrl } from '@/lib/http/base-url';
import { json } from '@/lib/http/respond';
import { glanceRoute, methodNotAllowed, readJson } from '@/http/glance-route';
import { listImages } from '@/lib/images/list';
import { createImage } from '@/lib/images/service';

export const dynamic = 'force-dynamic';

export const GET = glanceRoute(async ({ req, ctx }) => json(await listImages(ctx, req.nextUrl.searchParams)));

export const POST = glanceRoute(async ({ req, ctx }) => {
  const image = await createImage(ctx, await readJson(req));
  return json(image, 201, {
    Location: `${baseUrl(req)}/v2/images/${image.id}`,
    'OpenStack-image-import-methods': 'glance-direct,web-download,copy-image',
  });
});

export const { PUT, PATCH, DELETE, HEAD, OPTIONS } = methodNotAllowed(['GET', 'POST']);
