// GET, PATCH, DELETE /v2/images/{id}.
import { json, noContent } from '@/lib/http/respond';
import { glanceRoute, methodNotAllowed } from '@/lib/http/route';
import { patchImage } from '@/lib/images/patch';
import { deleteImage, showImage } from '@/lib/images/service';

export const dynamic = 'force-dynamic';

type P = { imageId: string };

export const GET = glanceRoute<P>(async ({ ctx, params }) => json(await showImage(ctx, params.imageId)));

export const PATCH = glanceRoute<P>(async ({ req, ctx, params }) =>
  json(await patchImage(ctx, params.imageId, req.headers.get('content-type'), await req.text())),
);

export const DELETE = glanceRoute<P>(async ({ ctx, params }) => {
  await deleteImage(ctx, params.imageId);
  return noContent();
});

const notAllowed = methodNotAllowed(['GET', 'PATCH', 'DELETE']);
export const POST = notAllowed.POST;
export const PUT = notAllowed.PUT;
