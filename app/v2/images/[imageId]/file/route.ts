// PUT /v2/images/{id}/file (upload) and GET (download, with Range).
import { UnsupportedMediaType } from '@/lib/errors';
import { imageDataResponse } from '@/lib/http/image-data';
import { noContent } from '@/lib/http/respond';
import { glanceRoute, methodNotAllowed } from '@/lib/http/route';
import { openImageData, uploadBody, uploadImageData } from '@/lib/images/data';

export const dynamic = 'force-dynamic';

type P = { imageId: string };

export const PUT = glanceRoute<P>(async ({ req, ctx, params }) => {
  const type = req.headers.get('content-type');
  if (type && type.split(';')[0].trim().toLowerCase() !== 'application/octet-stream') {
    throw new UnsupportedMediaType(type);
  }
  const length = req.headers.get('content-length');
  await uploadImageData(ctx, params.imageId, {
    body: uploadBody(req.body, req.signal),
    contentLength: length === null ? null : Number(length),
  });
  return noContent({ 'Content-Type': 'text/html; charset=UTF-8' });
});

export const GET = glanceRoute<P>(async ({ req, ctx, params }) =>
  imageDataResponse(await openImageData(ctx, params.imageId, req.headers.get('range'))),
);

const notAllowed = methodNotAllowed(['GET', 'PUT']);
export const HEAD = notAllowed.HEAD;
export const POST = notAllowed.POST;
export const PATCH = notAllowed.PATCH;
export const DELETE = notAllowed.DELETE;
