// The server-side HTTP(S) fetch behind web-download. Safe by default: the URI
// and every redirect pass [import_filtering_opts] (Glance's validate_import_uri
// and its SafeRedirectHandler), and the address actually connected to is the
// one checked (resolved once, then pinned), so DNS cannot rebind a name onto
// loopback or the metadata service between the check and the connect.
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import dns, { type LookupAddress } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import { getConfig } from '../config';
import type { ImportFilteringConfig } from '../config/import-filtering';
import { filterImportUri, redactUri, type UriTarget } from './web/uri-filter';
import { refusedAddress } from './web/address-rules';
import { WebDownloadError, notPassingFiltering, requestFailure } from './web/errors';
import { directBody, responseBody } from './web/body';
import { DirectConnection } from './web/direct-connection';
import type { ImageBytes } from '../stores/driver';

export { WebDownloadError, notPassingFiltering };
export type { WebDownloadFailure } from './web/errors';

export interface WebSource {
  /** The response body, pulled chunk by chunk (the socket is paused while the consumer is busy), or read into a store's buffers. */
  body: ImageBytes;
  /** The final response's Content-Length; not trusted: the consumer enforces image_size_cap. */
  contentLength: number | null;
  /** The URL the body came from, after redirects. */
  finalUrl: string;
}

export interface WebFetchOptions {
  signal?: AbortSignal;
  /** Default: the server's [import_filtering_opts]. */
  filtering?: ImportFilteringConfig;
  /** DNS look-up and TCP/TLS connect, per hop (default 30 s). */
  connectTimeoutMs?: number;
  /** Longest wait for the server once connected: for the response headers, then for each chunk (default 120 s). */
  idleTimeoutMs?: number;
  /** Redirects followed (default 10: Python's urllib, which Glance uses). */
  maxRedirects?: number;
  /** CA certificates trusted for https, instead of Node's bundled ones (default: Node's). */
  ca?: string | Buffer;
  /** The resolver (default dns.lookup); each hop resolves its host once. */
  lookup?: typeof dns.lookup;
  /** Extra request headers (glance-download's X-Auth-Token), sent only to the URI's own origin, never after a redirect elsewhere. */
  headers?: Record<string, string>;
  /** Who fetches, for messages (default web-download). */
  label?: string;
}

const DEFAULT_CONNECT_TIMEOUT_MS = 30_000;
const DEFAULT_IDLE_TIMEOUT_MS = 120_000;
const DEFAULT_MAX_REDIRECTS = 10;
const REDIRECTS = new Set([301, 302, 303, 307, 308]); // the ones urllib follows
const USER_AGENT = 'glance-ts web-download';

/**
 * Checks a web-download URI as POST /import does (Glance answers 400 "URI for
 * web-download does not pass filtering: ..."): the filters, then where its
 * host resolves now. Null when it passes, else the reason, for the log.
 */
export async function checkImportUri(uri: string, filtering = getConfig().importFiltering, lookup = dns.lookup): Promise<string | null> {
  const v = filterImportUri(uri, filtering);
  if (!v.ok) return v.why;
  if (!fetchable(v.target)) return `scheme ${v.target.scheme} is not supported by web-download`;
  try {
    await resolveChecked(v.target, filtering, lookup);
    return null;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

/** GET `uri`, following redirects that pass the filters, and return the body to stream. */
export async function openWebSource(uri: string, opts: WebFetchOptions = {}): Promise<WebSource> {
  const filtering = opts.filtering ?? getConfig().importFiltering;
  const maxRedirects = opts.maxRedirects ?? DEFAULT_MAX_REDIRECTS;
  let current = uri;
  const visits = new Map<string, number>(); // urllib's loop check: the same URL at most 4 times more
  for (let redirects = 0; ; redirects++) {
    const v = filterImportUri(current, filtering);
    if (!v.ok || !fetchable(v.target)) {
      const why = v.ok ? `scheme ${v.target.scheme} is not supported by web-download` : v.why;
      throw redirects === 0
        ? new WebDownloadError('filtering', notPassingFiltering(redactUri(current)), why)
        : new WebDownloadError('filtering', `Redirect to disallowed URL: ${redactUri(current)}`, why);
    }
    const sameOrigin = v.target.url.origin === new URL(uri).origin;
    const { res, conn } = await get(v.target, filtering, opts, redirects > 0, sameOrigin ? (opts.headers ?? {}) : {});
    const status = res.statusCode ?? 0;
    const location = res.headers.location;
    if (REDIRECTS.has(status) && location) {
      res.destroy();
      const next = redirectTarget(location, v.target);
      if (next === null) throw new WebDownloadError('filtering', `Redirect to disallowed URL: ${redactUri(location)}`, 'not a valid URI');
      if (redirects >= maxRedirects || (visits.get(next) ?? 0) >= 4) {
        throw new WebDownloadError('http', `HTTP Error ${status}: The HTTP server returned a redirect error that would lead to an infinite loop. The last 30x error message was: ${res.statusMessage}`);
      }
      visits.set(next, (visits.get(next) ?? 0) + 1);
      current = next;
      continue;
    }
    if (status < 200 || status > 299) {
      res.destroy();
      throw new WebDownloadError('http', `HTTP Error ${status}: ${res.statusMessage ?? ''}`.trim(), undefined, status);
    }
    const length = Number(res.headers['content-length']);
    const contentLength = res.headers['content-length'] !== undefined && Number.isSafeInteger(length) && length >= 0 ? length : null;
    const idleTimeoutMs = opts.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
    const o = { contentLength, idleTimeoutMs, signal: opts.signal, uri: redactUri(current), label: opts.label };
    // A plain body of known length is read past the parser; anything else through it.
    if (conn?.headOnly && contentLength !== null && res.headers['transfer-encoding'] === undefined) {
      conn.takeOver();
      return { body: directBody(conn, res, { ...o, contentLength }), contentLength, finalUrl: current };
    }
    conn?.passThrough();
    const body = responseBody(res, o);
    return { body, contentLength, finalUrl: current };
  }
}

/**
 * The next hop as urljoin gives it: an absolute Location as written (so the
 * filters see an encoded IP as such, not as WHATWG's normalized form), a
 * relative one resolved against the current URL. Null: not a URL.
 */
function redirectTarget(location: string, from: UriTarget): string | null {
  if (/^[a-z][a-z0-9+.-]*:/i.test(location)) return location;
  if (location.startsWith('//')) return `${from.scheme}:${location}`;
  try {
    return new URL(location, from.url).href;
  } catch {
    return null;
  }
}

function fetchable(t: UriTarget): boolean {
  return t.scheme === 'http' || t.scheme === 'https';
}

/** Allowed hosts are trusted wherever they resolve; any other host must resolve only to ordinary addresses. */
function addressRefusal(t: UriTarget, f: ImportFilteringConfig, address: string): string | null {
  if (f.allowedHosts.includes(t.host)) return null;
  const why = refusedAddress(address, f.disallowedNetworks);
  return why && `${t.host} resolves to ${why}; list the host in [import_filtering_opts] allowed_hosts to allow it`;
}

/** One DNS look-up; refused if any address it gives is refused (a name that also points inward is not trusted). */
function resolveChecked(t: UriTarget, f: ImportFilteringConfig, lookup: typeof dns.lookup, family = 0): Promise<LookupAddress[]> {
  if (isIP(t.host)) {
    const why = addressRefusal(t, f, t.host);
    return why ? Promise.reject(new Error(why)) : Promise.resolve([{ address: t.host, family: isIP(t.host) }]);
  }
  return new Promise((resolve, reject) => {
    lookup(t.host, { all: true, family, verbatim: true }, (err, addresses) => {
      if (err) return reject(err);
      const list = addresses as unknown as LookupAddress[];
      const why = list.length === 0 ? `${t.host} has no address` : list.map((a) => addressRefusal(t, f, a.address)).find((w) => w);
      if (why) return reject(new Error(why));
      resolve(list);
    });
  });
}

/** One GET, connected to the checked address; resolves with the response once its headers arrive (and, for http, its connection). */
function get(
  t: UriTarget,
  f: ImportFilteringConfig,
  opts: WebFetchOptions,
  redirected: boolean,
  extra: Record<string, string>,
): Promise<{ res: IncomingMessage; conn: DirectConnection | null }> {
  const uri = redactUri(t.url.href);
  const label = opts.label ?? 'web-download';
  const refusal = (why: string) =>
    new WebDownloadError('filtering', redirected ? `Redirect to disallowed URL: ${uri}` : notPassingFiltering(uri), why);
  return new Promise((resolve, reject) => {
    const signal = opts.signal;
    if (signal?.aborted) return reject(new WebDownloadError('aborted', `${label} of ${uri} was cancelled`));
    // Resolved here once; the socket connects to exactly what this returns.
    const pinned: LookupFunction = (_host, o, cb) => {
      resolveChecked(t, f, opts.lookup ?? dns.lookup, o.family as number).then(
        (list) => (o.all ? cb(null, list) : cb(null, list[0].address, list[0].family)),
        (err: NodeJS.ErrnoException) => cb(err.code ? err : refusal(err.message), '', 0),
      );
    };
    if (isIP(t.host)) {
      const why = addressRefusal(t, f, t.host);
      if (why) return reject(refusal(why));
    }
    const mod = t.scheme === 'https' ? https : http;
    let conn: DirectConnection | null = null;
    const req = mod.request({
      host: t.host,
      port: t.port,
      path: `${t.url.pathname}${t.url.search}`,
      method: 'GET',
      headers: { 'user-agent': USER_AGENT, accept: '*/*', ...extra },
      auth: t.url.username ? `${decodeURIComponent(t.url.username)}:${decodeURIComponent(t.url.password)}` : undefined,
      lookup: pinned,
      // One connection per hop, closed after it: nothing pooled across hosts.
      ...(t.scheme === 'http'
        ? { createConnection: () => (conn = new DirectConnection({ host: t.host, port: t.port, lookup: pinned })) }
        : { agent: false }),
      // TLS verifies the certificate for the URI's host name (and sends it as SNI), not for the pinned address.
      ...(t.scheme === 'https' && opts.ca ? { ca: opts.ca } : {}),
    });
    let settled = false;
    let timer: NodeJS.Timeout | null = null;
    const arm = (ms: number, message: string) => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => req.destroy(new WebDownloadError('timeout', message)), ms);
    };
    const done = () => {
      settled = true;
      if (timer) clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
    const onAbort = () => req.destroy(new WebDownloadError('aborted', `${label} of ${uri} was cancelled`));
    signal?.addEventListener('abort', onAbort, { once: true });
    const connectMs = opts.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    const idleMs = opts.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
    arm(connectMs, `${label} of ${uri}: could not connect within ${connectMs / 1000} s`);
    req.on('socket', (socket) => {
      const connected = () => arm(idleMs, `${label} of ${uri}: no answer within ${idleMs / 1000} s`);
      if (socket.connecting) socket.once('connect', connected);
      else connected();
    });
    req.on('information', () => conn?.continueHead()); // a 1xx: the final head comes next
    req.on('response', (res) => {
      done();
      // Cancelling later is the body's business (web/body.ts).
      resolve({ res, conn });
    });
    req.on('error', (err) => {
      if (settled) return;
      done();
      reject(err instanceof WebDownloadError ? err : requestFailure(uri, err, label));
    });
    req.end();
  });
}
