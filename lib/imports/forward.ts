// A glance-direct import of data staged on another node goes to that node
// (Glance's _proxy_request_to_host): the same request with the user's
// credentials, 60 s to answer. Unreachable: Glance's 504 "Stage host is
// unavailable" (no connection) or 502 (any other failure); an error answer
// is passed on with its status.
import { GlanceError } from '@/lib/errors';
import { logger } from '@/lib/log';
import { HOP_BY_HOP, isUnreachable } from '@/lib/nodes/forwarding';

/** Besides hop-by-hop headers: fetch sets its own Host and length for the re-encoded body. */
const NOT_PASSED = new Set([...HOP_BY_HOP, 'host', 'content-length']);
const TIMEOUT_MS = 60_000;

/** webob's HTTPGatewayTimeout / HTTPBadGateway with Glance's text as the detail (their default explanation first). */
export class StageHostUnavailable extends GlanceError {
  constructor(status: 502 | 504) {
    super(status, status === 504 ? 'The gateway has timed out.' : 'Bad gateway.');
    this.detail = 'Stage host is unavailable';
  }
}

/** POST the import to `host`; resolves when it accepted (2xx), throws its status otherwise. */
export async function forwardImport(host: string, path: string, headers: Headers, body: unknown): Promise<void> {
  const url = `${host.replace(/\/+$/, '')}${path}`;
  const out = new Headers();
  headers.forEach((v, k) => {
    if (!NOT_PASSED.has(k)) out.set(k, v);
  });
  out.set('content-type', 'application/json');
  let res: Response;
  try {
    res = await fetch(url, { method: 'POST', headers: out, body: JSON.stringify(body), signal: AbortSignal.timeout(TIMEOUT_MS), redirect: 'manual' });
  } catch (err) {
    const code = (err as { cause?: { code?: string } })?.cause?.code ?? '';
    const noConnection = isUnreachable(code) || (err as Error)?.name === 'TimeoutError';
    logger.error({ err: (err as Error)?.message, code, url }, 'failed to forward an import to its stage host');
    throw new StageHostUnavailable(noConnection ? 504 : 502);
  }
  await res.arrayBuffer().catch(() => undefined);
  if (Math.floor(res.status / 100) !== 2) throw new GlanceError(res.status, '');
}
