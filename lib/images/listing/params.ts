// The query string of GET /v2/images read the way Glance reads it (webob's
// MultiDict + glance.api.v2.images RequestDeserializer.index and the
// controller's checks), with the same error texts and in the same order.
// `limit`, `marker`, `member_status` and `sort` take the FIRST occurrence
// (MultiDict.pop); filters take the LAST (MultiDict.get / dict()); `tag`,
// `sort_key` and `sort_dir` take all of them.
import { BadRequest } from '@/lib/errors';

export const DEFAULT_LIMIT = 25; // Glance's limit_param_default
export const MAX_LIMIT = 1000; // Glance's api_limit_max

/** Glance's sort keys, in the order its error message lists them. */
export const SORT_KEYS = ['name', 'status', 'container_format', 'disk_format', 'size', 'id', 'created_at', 'updated_at'] as const;
export type SortKey = (typeof SORT_KEYS)[number];
export type SortDir = 'asc' | 'desc';
export interface SortSpec {
  key: SortKey;
  dir: SortDir;
}

const VISIBILITY_VALUES = ['community', 'public', 'private', 'shared', 'all'];
const MEMBER_STATUSES = ['pending', 'accepted', 'rejected', 'all'];

/** A parsed GET /v2/images: what the domain lists (lib/images/list.ts). */
export interface ListQuery {
  limit: number;
  marker: string | null;
  memberStatus: string;
  tags: string[];
  /** null = not given; '' is a given (and matching nothing) visibility, as in Glance. */
  visibility: string | null;
  osHidden: boolean;
  protected: boolean | null;
  /** Every other filter, one value per name (the last), in first-seen order. */
  filters: Map<string, string>;
  /** Complete order, created_at and id appended as Glance does. */
  sort: SortSpec[];
}

/** webob's MultiDict, enough of it. */
class Params {
  constructor(private items: [string, string][]) {}
  has(k: string): boolean {
    return this.items.some(([n]) => n === k);
  }
  /** MultiDict.pop: the first occurrence, removed. */
  pop(k: string): string | null {
    const i = this.items.findIndex(([n]) => n === k);
    if (i < 0) return null;
    return this.items.splice(i, 1)[0][1];
  }
  popAll(k: string): string[] {
    const out: string[] = [];
    for (let v = this.pop(k); v !== null; v = this.pop(k)) out.push(v);
    return out;
  }
  /** dict(MultiDict): first-seen key order, last value. */
  toMap(): Map<string, string> {
    const m = new Map<string, string>();
    for (const [k, v] of this.items) m.set(k, v);
    return m;
  }
}

/** Python's int(): surrounding whitespace, a sign and digit-group underscores are fine. */
export function pythonInt(raw: string): number | null {
  const t = raw.trim();
  if (!/^[+-]?\d+(_\d+)*$/.test(t)) return null;
  return Number(t.replace(/_/g, ''));
}

function parseLimit(raw: string | null): number {
  if (raw === null) return DEFAULT_LIMIT;
  const n = pythonInt(raw);
  if (n === null) throw new BadRequest('limit param must be an integer');
  if (n < 0) throw new BadRequest('limit param must be positive');
  return Math.min(n, MAX_LIMIT);
}

function sortKey(key: string): SortKey {
  if (!(SORT_KEYS as readonly string[]).includes(key)) {
    throw new BadRequest(`Invalid sort key: ${key}. It must be one of the following: ${SORT_KEYS.join(', ')}.`);
  }
  return key as SortKey;
}

function sortDir(dir: string): SortDir {
  if (dir !== 'asc' && dir !== 'desc') throw new BadRequest(`Invalid sort direction: ${dir}`);
  return dir;
}

/** Both sorting syntaxes: `sort=k:dir,...` and repeated `sort_key`/`sort_dir`. */
function parseSorting(params: Params): { keys: SortKey[]; dirs: SortDir[] } {
  const keys: SortKey[] = [];
  const dirs: SortDir[] = [];
  if (params.has('sort')) {
    if (params.has('sort_key') || params.has('sort_dir')) throw new BadRequest('Old and new sorting syntax cannot be combined');
    for (const part of params.pop('sort')!.trim().split(',')) {
      const colon = part.indexOf(':');
      const key = colon < 0 ? part : part.slice(0, colon);
      const dir = colon < 0 ? '' : part.slice(colon + 1);
      keys.push(sortKey(key.trim()));
      dirs.push(sortDir((dir || 'desc').trim()));
    }
  } else {
    keys.push(...params.popAll('sort_key').map((k) => sortKey(k.trim())));
    dirs.push(...params.popAll('sort_dir').map((d) => sortDir(d.trim())));
    if (dirs.length > 1 && dirs.length !== keys.length) {
      throw new BadRequest('Number of sort dirs does not match the number of sort keys');
    }
  }
  return { keys: keys.length ? keys : ['created_at'], dirs: dirs.length ? dirs : ['desc'] };
}

/**
 * One direction per key; a single direction applies to every key. created_at
 * and id are appended (in the single direction, else desc) so the order is total.
 */
function completeSort(keys: SortKey[], dirs: SortDir[]): SortSpec[] {
  const fallback: SortDir = dirs.length === 1 ? dirs[0] : 'desc';
  const specs = keys.map((key, i) => ({ key, dir: dirs.length === 1 ? dirs[0] : dirs[i] }));
  for (const key of ['created_at', 'id'] as const) if (!keys.includes(key)) specs.push({ key, dir: fallback });
  return specs;
}

function booleanFilter(name: string, raw: string): boolean {
  if (raw !== 'true' && raw !== 'false') {
    throw new BadRequest(`Invalid value '${raw}' for '${name}' filter. Valid values are 'true' or 'false'.`);
  }
  return raw === 'true';
}

export function parseListRequest(query: URLSearchParams): ListQuery {
  const params = new Params([...query]);
  const limitRaw = params.pop('limit');
  const marker = params.pop('marker');
  const memberStatus = params.pop('member_status') ?? 'accepted';
  const tags = params.popAll('tag').map((t) => t.trim());

  const visibility = params.toMap().get('visibility') ?? null;
  if (visibility && !VISIBILITY_VALUES.includes(visibility)) throw new BadRequest(`Invalid visibility value: ${visibility}`);
  if (params.toMap().get('changes-since')) throw new BadRequest('The "changes-since" filter is no longer available on v2.');
  if (!MEMBER_STATUSES.includes(memberStatus)) throw new BadRequest(`Invalid status: ${memberStatus}`);
  const limit = parseLimit(limitRaw);
  const { keys, dirs } = parseSorting(params);

  const filters = params.toMap();
  const osHidden = booleanFilter('os_hidden', (filters.get('os_hidden') ?? 'false').toLowerCase());
  const protectedRaw = filters.get('protected');
  const isProtected = protectedRaw === undefined ? null : booleanFilter('protected', protectedRaw);
  for (const handled of ['visibility', 'os_hidden', 'protected', 'deleted', 'changes-since']) filters.delete(handled);

  return { limit, marker, memberStatus, tags, visibility, osHidden, protected: isProtected, filters, sort: completeSort(keys, dirs) };
}
