// Console: one image with members, locations and timeline; edit (JSON patch); delete.
import { json, noContent } from '@/lib/http/respond';
import { consoleRoute } from '@/http/console-route';
import { readBody } from '@/http/glance-route';
import { imageDetail } from '@/lib/console/detail';
import { patchImage } from '@/lib/images/patch';
import { deleteImage } from '@/lib/images/service';

export const dynamic = 'force-dynamic';

type P = { imageId: string };

export const GET = consoleRoute<P>(async ({ ctx, params }) => json(await imageDetail(ctx, params.imageId)));

export const PATCH = consoleRoute<P>(async ({ req, ctx, params }) =>
  json(await patchImage(ctx, params.imageId, 'application/openstack-images-v2.1-json-patch', true, await readBody(req))),
);

export const DELETE = consoleRoute<P>(async ({ ctx, params }) => {
  await deleteImage(ctx, params.imageId);
  return noContent();
});
