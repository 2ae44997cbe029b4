// Console: one image with members, locations and timeline; edit (a JSON array of v2.1 patch operations); delete.
import { json, noContent } from '@/lib/http/respond';
import { consoleRoute } from '@/http/console-route';
import { hasBody, readBody } from '@/http/glance-route';
import { imageDetail } from '@/lib/console/detail';
import { patchImage } from '@/lib/images/patch';
import { readConsolePatch } from '@/lib/images/requests';
import { deleteImage } from '@/lib/images/image-service';

export const dynamic = 'force-dynamic';

type Params = { imageId: string };

export const GET = consoleRoute<Params>(async ({ ctx, params }) => json(await imageDetail(ctx, params.imageId)));

export const PATCH = consoleRoute<Params>(async ({ req, ctx, params }) =>
  json(await patchImage(ctx, params.imageId, readConsolePatch(hasBody(req), await readBody(req)))),
);

export const DELETE = consoleRoute<Params>(async ({ ctx, params }) => {
  await deleteImage(ctx, params.imageId);
  return noContent();
});
