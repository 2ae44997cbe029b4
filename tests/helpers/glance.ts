// Expected bodies in real Glance's formats (copied from the recorded
// transcripts in the project's Glance reference), for exact comparisons.
import assert from 'node:assert/strict';
import type { Reply } from './http';

/** webob's HTML error page around an already-escaped body, as Glance sends it. */
export function webobPage(code: string, body: string): string {
  return `<html>\n <head>\n  <title>${code}</title>\n </head>\n <body>\n  <h1>${code}</h1>\n  ${body}\n </body>\n</html>`;
}

/** The common case: explanation only ("<br /><br />" and three newlines after it). */
export function webobError(code: string, explanationHtml: string): string {
  return webobPage(code, `${explanationHtml}<br /><br />\n\n\n`);
}

/** An error with webob's default explanation and Glance's message as the detail line. */
export function webobDetail(code: string, explanationHtml: string, detailHtml: string): string {
  return webobPage(code, `${explanationHtml}<br /><br />\n${detailHtml}\n\n`);
}

export const NOT_FOUND = webobError('404 Not Found', 'The resource could not be found.');

/** Assert status, HTML error body, its Content-Length and the request id header. */
export function assertHtmlError(r: Reply, status: number, body: string, contentLength?: number): void {
  assert.equal(r.status, status, r.text);
  assert.equal(r.headers.get('content-type'), 'text/html; charset=UTF-8');
  assert.equal(r.text, body);
  // Next sends bodies chunked (it drops Content-Length), so the byte count is checked on the body.
  if (contentLength !== undefined) assert.equal(Buffer.byteLength(r.text), contentLength, 'same length as real Glance');
  assert.match(r.headers.get('x-openstack-request-id') ?? '', /^req-[0-9a-f-]{36}$/);
}

/** Python's json.dumps of a (flat or nested) value: ", " and ": " separators. */
export function pyDumps(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(pyDumps).join(', ')}]`;
  if (v !== null && typeof v === 'object') return `{${Object.entries(v).map(([k, x]) => `${JSON.stringify(k)}: ${pyDumps(x)}`).join(', ')}}`;
  return JSON.stringify(v);
}

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;
