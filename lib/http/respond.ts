// Response builders in Glance's wire format.
import { GlanceError, STATUS_TITLES } from '@/lib/errors';

export const REQUEST_ID_HEADER = 'X-Openstack-Request-Id';

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#x27;');
}

/** webob's error page, or its JSON form when the client accepts JSON. */
export function errorResponse(err: GlanceError, accept: string | null): Response {
  const title = STATUS_TITLES[err.status] ?? 'Error';
  const code = `${err.status} ${title}`;
  const headers = new Headers(err.headers);
  if (accept && /application\/json/i.test(accept)) {
    headers.set('Content-Type', 'application/json');
    const body = JSON.stringify({ message: err.message + err.tail, code, title });
    return new Response(body, { status: err.status, headers });
  }
  headers.set('Content-Type', 'text/html; charset=UTF-8');
  const body = `<html>\n <head>\n  <title>${code}</title>\n </head>\n <body>\n  <h1>${code}</h1>\n  ${escapeHtml(err.message)}${err.tail}\n </body>\n</html>`;
  return new Response(body, { status: err.status, headers });
}

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  const text = JSON.stringify(body);
  return new Response(text, {
    status,
    headers: { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(text)), ...headers },
  });
}

export function noContent(headers: Record<string, string> = {}): Response {
  return new Response(null, { status: 204, headers });
}
