// Small HTTP helpers over fetch (keep-alive by default, like real clients).
export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export async function call(base: string, method: string, path: string, init: { headers?: Record<string, string>; body?: BodyInit | object | null } = {}): Promise<Reply> {
  const headers: Record<string, string> = { ...(init.headers ?? {}) };
  let body = init.body as BodyInit | undefined;
  if (body !== undefined && body !== null && typeof body === 'object' && !(body instanceof Uint8Array) && !(body instanceof ReadableStream) && !(body instanceof Blob)) {
    body = JSON.stringify(body);
    headers['Content-Type'] ??= 'application/json';
  }
  const res = await fetch(base + path, { method, headers, body: body ?? undefined, redirect: 'manual', duplex: 'half' } as RequestInit);
  const text = await res.text();
  let json: unknown = undefined;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    /* not JSON */
  }
  return { status: res.status, headers: res.headers, text, json };
}

export const PATCH_TYPE = 'application/openstack-images-v2.1-json-patch';

export function client(base: string, defaults: Record<string, string> = {}) {
  const c = (method: string, path: string, init: { headers?: Record<string, string>; body?: BodyInit | object | null } = {}) =>
    call(base, method, path, { ...init, headers: { ...defaults, ...(init.headers ?? {}) } });
  return {
    get: (p: string, h?: Record<string, string>) => c('GET', p, { headers: h }),
    post: (p: string, body?: object | BodyInit | null, h?: Record<string, string>) => c('POST', p, { body, headers: h }),
    put: (p: string, body?: BodyInit | null, h?: Record<string, string>) => c('PUT', p, { body, headers: h }),
    patch: (p: string, ops: unknown, h?: Record<string, string>) =>
      c('PATCH', p, { body: JSON.stringify(ops), headers: { 'Content-Type': PATCH_TYPE, ...(h ?? {}) } }),
    del: (p: string, h?: Record<string, string>) => c('DELETE', p, { headers: h }),
    call: c,
    /** Create an image and return its JSON. */
    async create(body: object = {}): Promise<any> { // eslint-disable-line @typescript-eslint/no-explicit-any
      const r = await c('POST', '/v2/images', { body });
      if (r.status !== 201) throw new Error(`create failed: ${r.status} ${r.text}`);
      return r.json;
    },
    /** Create and upload `data`; returns the image after upload. */
    async createWithData(data: Uint8Array, body: object = {}): Promise<any> { // eslint-disable-line @typescript-eslint/no-explicit-any
      const img = await this.create(body);
      const up = await c('PUT', `/v2/images/${img.id}/file`, { body: data, headers: { 'Content-Type': 'application/octet-stream' } });
      if (up.status !== 204) throw new Error(`upload failed: ${up.status} ${up.text}`);
      return (await c('GET', `/v2/images/${img.id}`)).json;
    },
  };
}
