// Response builders in Glance's wire format.
import { GlanceError, STATUS_TITLES } from '@/lib/errors';
import { errorFormat } from './negotiate';
import { pyJson } from './py-json';

export const REQUEST_ID_HEADER = 'X-Openstack-Request-Id';

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#x27;');
}

/** webob's strip_tags, for the text/plain variant. */
function stripTags(s: string): string {
  return s.replace(/\n/g, ' ').replace(/\r/g, '').replace(/<br.*?>/gis, '\n').replace(/<!--|-->/g, '').replace(/<.*?>/gs, '');
}

/** webob's error page: HTML, JSON or plain text, chosen from the Accept header as webob does. */
export function errorResponse(err: GlanceError, accept: string | null): Response {
  const title = STATUS_TITLES[err.status] ?? 'Error';
  const code = `${err.status} ${title}`;
  const headers = new Headers(err.headers);
  let body: string;
  switch (errorFormat(accept)) {
    case 'json':
      headers.set('Content-Type', 'application/json');
      body = pyJson({ message: err.body(), code, title });
      break;
    case 'plain':
      headers.set('Content-Type', 'text/plain; charset=UTF-8');
      body = `${code}\n\n${stripTags(err.body())}`;
      break;
    default:
      headers.set('Content-Type', 'text/html; charset=UTF-8');
      body = `<html>\n <head>\n  <title>${code}</title>\n </head>\n <body>\n  <h1>${code}</h1>\n  ${err.body(escapeHtml)}\n </body>\n</html>`;
  }
  return new Response(body, { status: err.status, headers });
}

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  const text = pyJson(body);
  return new Response(text, {
    status,
    headers: { 'Content-Type': 'application/json', ...headers },
  });
}

/** 204, with the Content-Type header Glance's empty responses carry. */
export function noContent(headers: Record<string, string> = {}): Response {
  return new Response(null, { status: 204, headers: { 'Content-Type': 'text/html; charset=UTF-8', ...headers } });
}
