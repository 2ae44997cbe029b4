// The query parameters the catalog's lists take (metadef_*.py RequestDeserializer.index):
// limit (default 25, at most 1000), marker, sort_key, sort_dir, filters, in Glance's words.
import { BadRequest } from '@/lib/errors';
import { DEFAULT_LIMIT, MAX_LIMIT } from '@/lib/images/listing/params';

export interface ListParams {
  limit: number;
  marker: string | null;
  sortKey: string;
  sortDir: 'asc' | 'desc';
  /** The rest, one value per name (the last), as Glance's filters dict. */
  filters: Map<string, string>;
}

/** `sortKeys` null: any key (the objects list, whose repository never sorts). */
export function readListParams(query: URLSearchParams, sortKeys: readonly string[] | null): ListParams {
  const first = (k: string) => query.get(k);
  const rawLimit = first('limit');
  // Glance's int() raises a 500 on a non-integer; here it is the deserializer's own 400.
  if (rawLimit !== null && !/^\s*[-+]?\d+\s*$/.test(rawLimit)) throw new BadRequest('limit param must be an integer');
  const limit = rawLimit === null ? DEFAULT_LIMIT : Math.min(MAX_LIMIT, Number(rawLimit));
  const sortDir = first('sort_dir') ?? 'desc';
  if (sortDir !== 'asc' && sortDir !== 'desc') throw new BadRequest(`Invalid sort direction: ${sortDir}`);
  const filters = new Map<string, string>();
  for (const [k, v] of query) if (!['limit', 'marker', 'sort_key', 'sort_dir'].includes(k)) filters.set(k, v);
  const visibility = filters.get('visibility');
  if (visibility && visibility !== 'public' && visibility !== 'private') throw new BadRequest(`Invalid visibility value: ${visibility}`);
  if (limit < 0) throw new BadRequest('limit param must be positive');
  const sortKey = first('sort_key') ?? 'created_at';
  // Glance's paginate_query fails with a 500 on an unknown column; here a 400.
  if (sortKeys !== null && !sortKeys.includes(sortKey)) throw new BadRequest(`Invalid sort key: ${sortKey}`);
  return { limit, marker: first('marker'), sortKey, sortDir, filters };
}

/** Python's urlencode (quote_plus) of dict(request.params): first-seen order, last value. */
export function pyUrlencode(query: URLSearchParams, drop: string[] = []): string {
  const m = new Map<string, string>();
  for (const [k, v] of query) if (!drop.includes(k)) m.set(k, v);
  const q = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`).replace(/%20/g, '+');
  return [...m].map(([k, v]) => `${q(k)}=${q(v)}`).join('&');
}
