// GET, PATCH, DELETE /v2/images/{id}.
import { json, noContent } from '@/lib/http/respond';
import { glanceRoute, hasBody, methodNotAllowed, readBody } from '@/http/glance-route';
import { patchImage } from '@/lib/images/patch';
import { readPatch } from '@/lib/images/requests';
import { deleteImage, showImage } from '@/lib/images/image-service';

export const dynamic = 'force-dynamic';

type Params = { imageId: string };

export const GET = glanceRoute<Params>(async ({ ctx, params }) => json(await showImage(ctx, params.imageId)), { rejectBody: true });

export const PATCH = glanceRoute<Params>(async ({ req, ctx, params }) =>
  json(await patchImage(ctx, params.imageId, readPatch(req.headers.get('content-type'), hasBody(req), await readBody(req)))),
);

export const DELETE = glanceRoute<Params>(
  async ({ ctx, params }) => {
    await deleteImage(ctx, params.imageId);
    return noContent();
  },
  { rejectBody: true },
);

const notAllowed = methodNotAllowed(['GET', 'PATCH', 'DELETE']);
export const { POST, PUT, HEAD, OPTIONS } = notAllowed;
