// Glance's validate_import_uri (glance/common/utils.py) on the URI as written:
// an allowed list, when set, wins over its disallowed list; schemes, then
// hosts, then ports. The resolved address is checked apart (address-rules.ts).
import { isIP } from 'node:net';
import { normalizeIp, type ImportFilteringConfig } from '../../config/import-filtering';

export interface UriTarget {
  scheme: string;
  /** Lower-case host name or normalized IP address (IPv6 without brackets). */
  host: string;
  /** The port connected to: the URI's, else the scheme's default. */
  port: number;
  url: URL;
}

export type UriVerdict = { ok: true; target: UriTarget } | { ok: false; why: string };

const DEFAULT_PORTS: Record<string, number> = { http: 80, https: 443, ftp: 21 };

// scheme://[userinfo@]host[:port] as Python's urlparse splits it (the part before the first / ? #).
const AUTHORITY = /^([a-z][a-z0-9+.-]*):\/\/([^/?#]*)/i;

/** Glance's normalize_hostname without its DNS look-up: no encoded IPs (2130706433, 127.1, 0x7f.1). */
function normalizedHost(raw: string): string | null {
  const ip = normalizeIp(raw);
  if (ip) return raw.startsWith('[') || isIP(raw) === 4 ? ip : null;
  const host = raw.toLowerCase();
  if (host === '' || /^[0-9.]+$/.test(host)) return null;
  // A name the resolver sees as written: ASCII labels only (IDN hosts go in punycode).
  return /^[a-z0-9_.-]+$/.test(host) && !host.startsWith('.') && !host.includes('..') ? host : null;
}

/** The URI split as Glance splits it, or why it cannot be fetched at all. */
export function parseImportUri(uri: string): UriVerdict {
  const m = AUTHORITY.exec(uri.trim() === uri ? uri : '');
  if (!m) return { ok: false, why: 'not an absolute URI with a host' };
  const scheme = m[1].toLowerCase();
  const authority = m[2].slice(m[2].lastIndexOf('@') + 1);
  const hp = /^(\[[^\]]*\]|[^:]*)(?::(\d*))?$/.exec(authority);
  if (!hp) return { ok: false, why: 'the host or port cannot be read' };
  const host = normalizedHost(hp[1]);
  if (!host) return { ok: false, why: `"${hp[1]}" is not a host name or a standard IP address` };
  const port = hp[2] ? Number(hp[2]) : DEFAULT_PORTS[scheme];
  if (port === undefined || !(port >= 1 && port <= 65535)) return { ok: false, why: 'no valid port' };
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return { ok: false, why: 'not a valid URI' };
  }
  // The request goes where WHATWG's parser says; refuse any URI the two readings disagree on (e.g. "\" or %-escapes in the host).
  const whatwgHost = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  if (whatwgHost !== host) return { ok: false, why: 'its host is ambiguous' };
  return { ok: true, target: { scheme, host, port, url } };
}

/**
 * validate_import_uri's rules. Unlike Glance, the port checked is the one
 * connected to: a URI without a port is checked with its scheme's default.
 */
export function filterImportUri(uri: string, f: ImportFilteringConfig): UriVerdict {
  const parsed = parseImportUri(uri);
  if (!parsed.ok) return parsed;
  const { scheme, host, port } = parsed.target;
  const refused = (allowed: readonly (string | number)[], disallowed: readonly (string | number)[], v: string | number) =>
    allowed.length > 0 ? !allowed.includes(v) : disallowed.includes(v);
  if (refused(f.allowedSchemes, f.disallowedSchemes, scheme)) return { ok: false, why: `scheme ${scheme} is not allowed` };
  if (refused(f.allowedHosts, f.disallowedHosts, host)) return { ok: false, why: `host ${host} is not allowed` };
  if (refused(f.allowedPorts, f.disallowedPorts, port)) return { ok: false, why: `port ${port} is not allowed` };
  return parsed;
}

/** The URI for messages: a password in it is not repeated. */
export function redactUri(uri: string): string {
  return uri.replace(/^([a-z][a-z0-9+.-]*:\/\/[^/?#@:]*):[^/?#@]*@/i, '$1:***@');
}
