// [import_filtering_opts]: Glance's filters for web-download URIs (names,
// defaults and list syntax of glance/async_/flows/_internal_plugins), plus
// disallowed_networks, our addition (see the README's web-download section).
import { isIP } from 'node:net';
import { ConfigError, type Section, last } from './ini';

export interface ImportFilteringConfig {
  allowedSchemes: string[];
  disallowedSchemes: string[];
  /** Lower-case host names and normalized IP addresses (IPv6 without brackets). */
  allowedHosts: string[];
  disallowedHosts: string[];
  allowedPorts: number[];
  disallowedPorts: number[];
  /** CIDRs refused for the resolved address, beyond the always-refused special ranges (not a Glance option). */
  disallowedNetworks: string[];
}

export const DEFAULT_IMPORT_FILTERING: ImportFilteringConfig = Object.freeze({
  allowedSchemes: ['http', 'https'],
  disallowedSchemes: [],
  allowedHosts: [],
  disallowedHosts: [],
  allowedPorts: [80, 443],
  disallowedPorts: [],
  disallowedNetworks: [],
}) as ImportFilteringConfig;

const SECTION = 'import_filtering_opts';

/** oslo.config's ListOpt with bounds=True: `[a, b]`; the bare `a, b` is accepted too. */
export function listItems(key: string, raw: string): string[] {
  let s = raw.trim().replace(/,$/, '');
  if (s.startsWith('[') !== s.endsWith(']')) throw new ConfigError(`[${SECTION}] ${key}: unbalanced brackets in "${raw}"`);
  if (s.startsWith('[')) s = s.slice(1, -1);
  return s.split(',').map((v) => v.trim()).filter((v) => v !== '').map((v) => unquote(key, v));
}

// oslo's String(quotes=True): one pair of matching quotes is removed.
function unquote(key: string, v: string): string {
  const q = v[0];
  if (q !== '"' && q !== "'") return v;
  if (v.length < 2 || v[v.length - 1] !== q) throw new ConfigError(`[${SECTION}] ${key}: unbalanced quotes in ${v}`);
  return v.slice(1, -1);
}

/** An IP address in the one form Glance compares (IPv4 dotted quad, compressed lower-case IPv6), else null. */
export function normalizeIp(v: string): string | null {
  const bare = v.startsWith('[') && v.endsWith(']') ? v.slice(1, -1) : v;
  const kind = bare.includes('%') ? 0 : isIP(bare); // no zone ids (fe80::1%eth0)
  if (kind === 4) return bare;
  if (kind === 6) return new URL(`http://[${bare}]/`).hostname.slice(1, -1);
  return null;
}

const HOST_LABELS = /^(?=.{1,253}\.?$)([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*\.?$/;

// oslo's HostAddress: an IP address or a host name.
function host(key: string, v: string): string {
  const ip = normalizeIp(v);
  if (ip) return ip;
  const name = v.toLowerCase();
  if (!HOST_LABELS.test(name) || /^[0-9.]+$/.test(name)) {
    throw new ConfigError(`[${SECTION}] ${key}: "${v}" is not a host name or IP address`);
  }
  return name;
}

function port(key: string, v: string): number {
  const n = Number(v);
  if (!/^\d+$/.test(v) || n < 1 || n > 65535) throw new ConfigError(`[${SECTION}] ${key}: "${v}" is not a port (1-65535)`);
  return n;
}

function network(key: string, v: string): string {
  const [addr, bits, extra] = v.split('/');
  const ip = normalizeIp(addr);
  const max = ip && isIP(ip) === 6 ? 128 : 32;
  const prefix = bits === undefined ? max : Number(bits);
  if (!ip || extra !== undefined || !/^\d*$/.test(bits ?? '') || !(prefix >= 0 && prefix <= max)) {
    throw new ConfigError(`[${SECTION}] ${key}: "${v}" is not an address or network (ADDRESS/PREFIX)`);
  }
  return `${ip}/${prefix}`;
}

function scheme(key: string, v: string): string {
  if (!/^[a-z][a-z0-9+.-]*$/i.test(v)) throw new ConfigError(`[${SECTION}] ${key}: "${v}" is not a URI scheme`);
  return v.toLowerCase();
}

export function parseImportFiltering(s: Section | undefined): ImportFilteringConfig {
  const sec = s ?? {};
  const list = <T>(key: string, fallback: T[], item: (key: string, v: string) => T): T[] => {
    const raw = last(sec[key]);
    return raw === undefined ? [...fallback] : listItems(key, raw).map((v) => item(key, v));
  };
  const d = DEFAULT_IMPORT_FILTERING;
  return {
    allowedSchemes: list('allowed_schemes', d.allowedSchemes, scheme),
    disallowedSchemes: list('disallowed_schemes', d.disallowedSchemes, scheme),
    allowedHosts: list('allowed_hosts', d.allowedHosts, host),
    disallowedHosts: list('disallowed_hosts', d.disallowedHosts, host),
    allowedPorts: list('allowed_ports', d.allowedPorts, port),
    disallowedPorts: list('disallowed_ports', d.disallowedPorts, port),
    disallowedNetworks: list('disallowed_networks', d.disallowedNetworks, network),
  };
}
