// PUT /v2/images/{id}/file (upload) and GET (download, with Range).
import { UnsupportedMediaType } from '@/lib/errors';
import { DECLARED_LENGTH } from '@/lib/http/content-length';
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

export const GET = glanceRoute<P>(async ({ req, ctx, params }) => {
  const data = await openImageData(ctx, params.imageId, req.headers.get('range'));
  if (!data.stream) return noContent();
  const headers: Record<string, string> = { 'Content-Type': 'application/octet-stream' };
  // Glance sends the whole image's md5 even for a range.
  if (data.checksum) headers['Content-MD5'] = data.checksum;
  const body = data.stream;
  if (data.range) {
    headers['Content-Range'] = `bytes ${data.range.start}-${data.range.end}/${data.size}`;
    headers[DECLARED_LENGTH] = String(data.range.end - data.range.start + 1);
    return new Response(body, { status: 206, headers });
  }
  headers[DECLARED_LENGTH] = String(data.size);
  return new Response(body, { status: 200, headers });
});

const notAllowed = methodNotAllowed(['GET', 'PUT']);
export const HEAD = notAllowed.HEAD;
export const POST = notAllowed.POST;
export const PATCH = notAllowed.PATCH;
export const DELETE = notAllowed.DELETE;
