// The HTTP answer for image data, shared by GET /v2/images/{id}/file and the
// console's download link: 204 without data, else 200 or 206 (Range) with
// Content-Length and the whole image's Content-MD5, as Glance sends them.
// The bytes are written by the store straight to Node's response (StreamedAnswer).
import type { Download } from '@/lib/images/upload-download';
import { StreamedAnswer, type Answer } from './node-route';
import { noContent } from '@/lib/http/respond';

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
