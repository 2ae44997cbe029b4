// The console's defence against cross-site request forgery: its session is a
// cookie, so a page elsewhere (even another port of the same host, which is
// "same-site" to a browser) could make the browser send it. Every request
// that changes something must come from the console's own origin, as the
// browser tells it in Sec-Fetch-Site or Origin. Requests with neither come
// from non-browser clients, which no other site can steer.
import { getConfig } from '@/lib/config';
import { Forbidden } from '@/lib/errors';

type HeaderSource = { get(name: string): string | null };

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export class CrossOriginRequest extends Forbidden {
  constructor() {
    super('Cross-origin requests may not change anything in the console.');
  }
}

/** The hosts (host:port) this server is reached at: the request's Host (or its proxy's), and the configured public endpoint. */
function ownHosts(headers: HeaderSource): string[] {
  const hosts = [headers.get('host'), headers.get('x-forwarded-host')].filter((h): h is string => !!h).map((h) => h.toLowerCase());
  const endpoint = getConfig().publicEndpoint;
  if (endpoint) hosts.push(new URL(endpoint).host.toLowerCase());
  return hosts;
}

function originHost(origin: string): string | null {
  try {
    const u = new URL(origin);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.host.toLowerCase() : null;
  } catch {
    return null; // "null" (sandboxed frames, some redirects) or garbage
  }
}

/** Throws CrossOriginRequest when a state-changing request was sent from another origin. */
export function assertSameOrigin(method: string, headers: HeaderSource): void {
  if (SAFE_METHODS.has(method.toUpperCase())) return;
  const fetchSite = headers.get('sec-fetch-site');
  if (fetchSite && fetchSite !== 'same-origin' && fetchSite !== 'none') throw new CrossOriginRequest();
  const origin = headers.get('origin');
  if (origin === null) return;
  const host = originHost(origin);
  if (!host || !ownHosts(headers).includes(host)) throw new CrossOriginRequest();
}
