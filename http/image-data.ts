// Image data over HTTP. In: the body of PUT /file and PUT /stage, which must
// be application/octet-stream (else Glance's 415). Out: the answer shared by
// GET /v2/images/{id}/file and the console's download link: 204 without data,
// else 200 or 206 (Range) with Content-Length and the whole image's
// Content-MD5, as Glance sends them. The bytes are written by the store
// straight to Node's response (StreamedAnswer).
import type { IncomingMessage } from 'node:http';
import { UnsupportedMediaType } from '@/lib/errors';
import type { Download } from '@/lib/images/upload-download';
import { nodeRequestBody, StreamedAnswer, type Answer } from './node-route';
import { noContent } from '@/lib/http/respond';

/** The image bytes of a PUT and their announced length; 415 for any type but application/octet-stream. */
export function imageDataInput(req: Request, node: IncomingMessage): { body: AsyncIterable<Uint8Array>; contentLength: number | null } {
  const type = req.headers.get('content-type');
  if (type && type.split(';')[0].trim().toLowerCase() !== 'application/octet-stream') throw new UnsupportedMediaType(type);
  const length = req.headers.get('content-length');
  return { body: nodeRequestBody(node), contentLength: length === null ? null : Number(length) };
}

export function imageDataResponse(data: Download, extraHeaders: Record<string, string> = {}): Answer {
  if (!data.copyTo) return noContent();
  const headers: Record<string, string> = { 'Content-Type': 'application/octet-stream', ...extraHeaders };
  if (data.checksum) headers['Content-MD5'] = data.checksum;
  if (data.range) {
    headers['Content-Range'] = `bytes ${data.range.start}-${data.range.end}/${data.size}`;
    headers['Content-Length'] = String(data.range.end - data.range.start + 1);
    return new StreamedAnswer(206, headers, data.copyTo);
  }
  headers['Content-Length'] = String(data.size);
  return new StreamedAnswer(200, headers, data.copyTo);
}
