// oslo.config's reading of INI values: the helpers every section parser shares.
export class ConfigError extends Error {}

export type Section = Record<string, string | string[] | undefined>;

// The ini package decodes true, false and null to JSON values; oslo.config sees text.
export function last(v: string | string[] | undefined): string | undefined {
  const value = Array.isArray(v) ? v[v.length - 1] : v;
  return value === undefined ? undefined : String(value);
}

export function all(v: string | string[] | undefined): string[] {
  if (v === undefined) return [];
  return (Array.isArray(v) ? v : [v]).map((s) => String(s).trim()).filter((s) => s !== '');
}

export function int(section: string, key: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw.trim() === '') return fallback;
  const n = Number(raw.trim());
  if (!Number.isSafeInteger(n) || n < 0) throw new ConfigError(`[${section}] ${key} must be a non-negative integer, got "${raw}"`);
  return n;
}

/** An integer of at least 1. */
export function positiveInt(section: string, key: string, raw: string | undefined, fallback: number): number {
  const n = int(section, key, raw, fallback);
  if (n < 1) throw new ConfigError(`[${section}] ${key} must be at least 1, got "${raw}"`);
  return n;
}

/** oslo.config's boolean spellings. */
export function bool(section: string, key: string, raw: string | boolean | undefined, fallback: boolean): boolean {
  const v = String(raw ?? '').trim().toLowerCase();
  if (v === '') return fallback;
  if (['true', '1', 'on', 'yes'].includes(v)) return true;
  if (['false', '0', 'off', 'no'].includes(v)) return false;
  throw new ConfigError(`[${section}] ${key} must be true or false, got "${raw}"`);
}

/** An integer that may be negative (Glance's quotas: -1 = unlimited). */
export function signedInt(section: string, key: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw.trim() === '') return fallback;
  const n = Number(raw.trim());
  if (!Number.isSafeInteger(n)) throw new ConfigError(`[${section}] ${key} must be an integer, got "${raw}"`);
  return n;
}

export function str(section: Section, key: string): string {
  return (last(section[key]) ?? '').trim();
}
