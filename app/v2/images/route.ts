// GET /v2/images (list) and POST /v2/images (create).
import { baseUrl } from '@/lib/http/base-url';
import { json } from '@/lib/http/respond';
import { glanceRoute, methodNotAllowed, readJson } from '@/http/glance-route';
import { listImages } from '@/lib/images/list';
import { imageListBody } from '@/lib/images/listing/links';
import { readCreate, readListQuery } from '@/lib/images/requests';
import { createImage } from '@/lib/images/image-service';
import { storeIdsHeader } from '@/lib/stores/discovery';
import { enabledImportMethods } from '@/lib/imports/methods';

export const dynamic = 'force-dynamic';

export const GET = glanceRoute(async ({ req, ctx }) => {
  const query = req.nextUrl.searchParams;
  return json(imageListBody(await listImages(ctx, readListQuery(query)), query));
});

export const POST = glanceRoute(async ({ req, ctx }) => {
  const image = await createImage(ctx, readCreate(await readJson(req)));
  const storeIds = storeIdsHeader();
  const methods = enabledImportMethods();
  return json(image, 201, {
    Location: `${baseUrl(req)}/v2/images/${image.id}`,
    ...(methods.length === 0 ? {} : { 'OpenStack-image-import-methods': methods.join(',') }),
    ...(storeIds === null ? {} : { 'OpenStack-image-store-ids': storeIds }),
  });
});

export const { PUT, PATCH, DELETE, HEAD, OPTIONS } = methodNotAllowed(['GET', 'POST']);
