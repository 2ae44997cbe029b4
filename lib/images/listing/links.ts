// The `first` and `next` links, as Glance's ResponseSerializer.index writes
// them: the request's parameters as dict(request.params) (first-seen order,
// last value per name), minus `marker`, through Python's urlencode.

import type { ImagePage } from '../list';

/** urllib.parse.quote_plus: only letters, digits and `_.-~` stay as they are. */
function quotePlus(s: string): string {
  return Array.from(new TextEncoder().encode(s), (b) => {
    const c = String.fromCharCode(b);
    if (/[A-Za-z0-9_.\-~]/.test(c)) return c;
    if (c === ' ') return '+';
    return `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }).join('');
}

function urlencode(params: Map<string, string>): string {
  return [...params].map(([k, v]) => `${quotePlus(k)}=${quotePlus(v)}`).join('&');
}

export function pageLinks(query: URLSearchParams, nextMarker: string | null): { first: string; next?: string } {
  const params = new Map<string, string>();
  for (const [k, v] of query) params.set(k, v);
  params.delete('marker');
  const q = urlencode(params);
  const links: { first: string; next?: string } = { first: q ? `/v2/images?${q}` : '/v2/images' };
  if (nextMarker !== null) {
    params.set('marker', nextMarker);
    links.next = `/v2/images?${urlencode(params)}`;
  }
  return links;
}

/** GET /v2/images's body: a page of images with the links built from the request's own query string. */
export interface ImageList {
  images: ImagePage['images'];
  first: string;
  schema: string;
  next?: string;
}

export function imageListBody(page: ImagePage, query: URLSearchParams): ImageList {
  const { first, next } = pageLinks(query, page.nextMarker);
  return { images: page.images, first, schema: '/v2/schemas/images', ...(next ? { next } : {}) };
}
