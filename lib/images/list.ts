// GET /v2/images: Glance's filters, sorting and marker paging, as one SQL
// query over the live rows.
import type { RequestContext } from '@/lib/auth/context';
import { db } from '@/lib/db/client';
import { BadRequest } from '@/lib/errors';
import type { Prisma } from '@/lib/generated/prisma/client';
import { VISIBILITIES } from './schema';
import { findLiveImage, WITH_CHILDREN } from './repository';
import { canSee } from '@/lib/policy';
import { imageView, type ImageView } from './view';

const DEFAULT_LIMIT = 25;
const MAX_LIMIT = 1000;

/** Sort keys Glance accepts, and their columns. */
const SORT_KEYS: Record<string, keyof Prisma.ImageOrderByWithRelationInput> = {
  name: 'name',
  status: 'status',
  container_format: 'containerFormat',
  disk_format: 'diskFormat',
  size: 'size',
  id: 'id',
  created_at: 'createdAt',
  updated_at: 'updatedAt',
};
const NULLABLE = new Set(['name', 'containerFormat', 'diskFormat', 'size', 'updatedAt']);

/** Query parameters that are not custom-property filters. */
const RESERVED_PARAMS = new Set([
  'limit', 'marker', 'sort_key', 'sort_dir', 'sort', 'name', 'status', 'visibility', 'owner', 'tag', 'disk_format',
  'container_format', 'size_min', 'size_max', 'protected', 'os_hidden', 'created_at', 'updated_at', 'id', 'member_status',
  'checksum', 'os_hash_value',
]);

type Dir = 'asc' | 'desc';
type SortSpec = { column: keyof Prisma.ImageOrderByWithRelationInput; dir: Dir };

export interface ImageList {
  images: ImageView[];
  first: string;
  schema: string;
  next?: string;
}

function parseLimit(raw: string | null): number {
  if (raw === null) return DEFAULT_LIMIT;
  if (!/^-?\d+$/.test(raw.trim())) throw new BadRequest('limit param must be an integer');
  const n = Number(raw);
  if (n < 0) throw new BadRequest('limit param must be positive');
  return Math.min(n, MAX_LIMIT);
}

function sortColumn(key: string) {
  const column = SORT_KEYS[key];
  if (!column) {
    throw new BadRequest(`Invalid sort key: ${key}. It must be one of the following: ${Object.keys(SORT_KEYS).join(', ')}.`);
  }
  return column;
}

function sortDir(dir: string): Dir {
  if (dir !== 'asc' && dir !== 'desc') throw new BadRequest(`Invalid sort direction: ${dir}`);
  return dir;
}

export function parseSort(q: URLSearchParams): SortSpec[] {
  const specs: SortSpec[] = [];
  const sort = q.get('sort');
  if (sort !== null) {
    if (q.has('sort_key') || q.has('sort_dir')) throw new BadRequest('The sort and sort_key/sort_dir parameters cannot be used together.');
    for (const part of sort.split(',').map((s) => s.trim()).filter(Boolean)) {
      const [key, dir = 'desc'] = part.split(':');
      specs.push({ column: sortColumn(key.trim()), dir: sortDir(dir.trim()) });
    }
  } else {
    const keys = q.getAll('sort_key').flatMap((k) => k.split(',')).map((k) => k.trim()).filter(Boolean);
    const dirs = q.getAll('sort_dir').flatMap((d) => d.split(',')).map((d) => d.trim()).filter(Boolean);
    dirs.forEach(sortDir);
    if (dirs.length > 1 && dirs.length !== keys.length) throw new BadRequest('Number of sort dirs does not match the number of sort keys');
    (keys.length ? keys : ['created_at']).forEach((k, i) => specs.push({ column: sortColumn(k), dir: (dirs[i] ?? dirs[0] ?? 'desc') as Dir }));
  }
  if (!specs.some((s) => s.column === 'createdAt')) specs.push({ column: 'createdAt', dir: specs[0]?.dir ?? 'desc' });
  if (!specs.some((s) => s.column === 'id')) specs.push({ column: 'id', dir: specs[0]?.dir ?? 'desc' });
  return specs;
}

/** `op:value` forms Glance accepts on dates and some fields. */
function comparison(raw: string, convert: (v: string) => unknown, field: string): Record<string, unknown> {
  const m = /^(gt|gte|lt|lte|eq|neq):(.*)$/.exec(raw);
  const [op, value] = m ? [m[1], m[2]] : ['eq', raw];
  const v = convert(value);
  switch (op) {
    case 'eq': return { equals: v };
    case 'neq': return { not: v };
    default: return { [op]: v };
  }
  void field;
}

function dateValue(field: string) {
  return (v: string): Date => {
    const d = new Date(v);
    if (Number.isNaN(d.getTime())) throw new BadRequest(`Unable to filter on a range with a nonsensical value for ${field}.`);
    return d;
  };
}

/** `in:a,b` or a plain value, for id/name/status/formats. */
function inOrEquals(raw: string): Record<string, unknown> | string {
  if (raw.startsWith('in:')) return { in: raw.slice(3).split(',').map((s) => s.replace(/^"|"$/g, '')) };
  return raw;
}

function bool(param: string, raw: string): boolean {
  const v = raw.toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(v)) return true;
  if (['false', '0', 'no', 'off'].includes(v)) return false;
  throw new BadRequest(`Invalid value '${raw}' for parameter '${param}'.`);
}

function int(param: string, raw: string): bigint {
  if (!/^\d+$/.test(raw)) throw new BadRequest(`Invalid value for ${param}: ${raw}`);
  return BigInt(raw);
}

/** Who may see what, in SQL: the same rule as policy.canSee. */
export function visibilityWhere(ctx: RequestContext, visibility: string | null, memberStatus: string | null): Prisma.ImageWhereInput {
  const memberOf = (status: string | null): Prisma.ImageWhereInput => ({
    visibility: 'shared',
    members: { some: { member: ctx.projectId ?? '', deleted: false, ...(status && status !== 'all' ? { status } : {}) } },
  });
  if (visibility !== null && visibility !== 'all' && !VISIBILITIES.includes(visibility)) {
    throw new BadRequest(`Invalid visibility value: ${visibility}`);
  }
  const own: Prisma.ImageWhereInput = { owner: ctx.projectId ?? '' };
  if (ctx.isAdmin) {
    return visibility && visibility !== 'all' ? { visibility: visibility as 'public' } : {};
  }
  switch (visibility) {
    case 'public':
      return { visibility: 'public' };
    case 'community':
      return { visibility: 'community' };
    case 'private':
      return { visibility: 'private', ...own };
    case 'shared':
      return { OR: [{ visibility: 'shared', ...own }, memberOf(memberStatus ?? 'accepted')] };
    case 'all':
      return { OR: [own, { visibility: 'public' }, { visibility: 'community' }, memberOf(memberStatus ?? 'accepted')] };
    default:
      // Glance's default list: own, public, and shared-with-me once accepted.
      return { OR: [own, { visibility: 'public' }, memberOf(memberStatus ?? 'accepted')] };
  }
}

function filtersWhere(q: URLSearchParams): Prisma.ImageWhereInput[] {
  const and: Prisma.ImageWhereInput[] = [];
  const get = (k: string) => q.get(k);
  for (const key of ['id', 'name', 'status', 'disk_format', 'container_format', 'checksum', 'os_hash_value'] as const) {
    const raw = get(key);
    if (raw === null) continue;
    const column = { id: 'id', name: 'name', status: 'status', disk_format: 'diskFormat', container_format: 'containerFormat', checksum: 'checksum', os_hash_value: 'osHashValue' }[key];
    and.push({ [column]: inOrEquals(raw) } as Prisma.ImageWhereInput);
  }
  if (get('owner') !== null) and.push({ owner: get('owner') });
  for (const tag of q.getAll('tag')) and.push({ tags: { some: { value: tag, deleted: false } } });
  if (get('size_min') !== null) and.push({ size: { gte: int('size_min', get('size_min')!) } });
  if (get('size_max') !== null) and.push({ size: { lte: int('size_max', get('size_max')!) } });
  if (get('protected') !== null) and.push({ protected: bool('protected', get('protected')!) });
  and.push({ osHidden: get('os_hidden') !== null ? bool('os_hidden', get('os_hidden')!) : false });
  for (const [param, column] of [['created_at', 'createdAt'], ['updated_at', 'updatedAt']] as const) {
    const raw = get(param);
    if (raw !== null) and.push({ [column]: comparison(raw, dateValue(param), param) });
  }
  for (const [name, value] of q) {
    if (RESERVED_PARAMS.has(name)) continue;
    and.push({ properties: { some: { name, value, deleted: false } } });
  }
  return and;
}

/** Rows after the marker in the given order (keyset paging, NULL-aware as MySQL orders). */
function afterMarker(specs: SortSpec[], marker: Record<string, unknown>): Prisma.ImageWhereInput {
  const or: Prisma.ImageWhereInput[] = [];
  for (let i = 0; i < specs.length; i++) {
    const cond: Prisma.ImageWhereInput[] = specs.slice(0, i).map((s) => ({ [s.column]: marker[s.column] ?? null }));
    const { column, dir } = specs[i];
    const v = marker[column];
    if (v === null || v === undefined) {
      // NULLs sort first ascending: everything non-null comes after; descending: nothing does.
      if (dir === 'desc') continue;
      cond.push({ [column]: { not: null } });
    } else if (dir === 'asc') {
      cond.push({ [column]: { gt: v } });
    } else {
      cond.push(NULLABLE.has(column) ? { OR: [{ [column]: { lt: v } }, { [column]: null }] } : { [column]: { lt: v } });
    }
    or.push({ AND: cond });
  }
  return { OR: or };
}

export async function listImages(ctx: RequestContext, q: URLSearchParams): Promise<ImageList> {
  const limit = parseLimit(q.get('limit'));
  const specs = parseSort(q);
  const where: Prisma.ImageWhereInput[] = [
    { deleted: false },
    visibilityWhere(ctx, q.get('visibility'), q.get('member_status')),
    ...filtersWhere(q),
  ];
  const markerId = q.get('marker');
  if (markerId !== null) {
    const marker = await findLiveImage(markerId);
    if (!marker || !canSee(ctx, marker)) throw new BadRequest(`No image found with ID ${markerId}`);
    where.push(afterMarker(specs, marker as unknown as Record<string, unknown>));
  }
  const rows = limit === 0 ? [] : await db().image.findMany({
    where: { AND: where },
    orderBy: specs.map((s) => ({ [s.column]: s.dir })),
    take: limit,
    include: WITH_CHILDREN,
  });
  const firstParams = new URLSearchParams(q);
  firstParams.delete('marker');
  const first = `/v2/images${firstParams.size ? `?${firstParams}` : ''}`;
  const page: ImageList = { images: rows.map(imageView), first, schema: '/v2/schemas/images' };
  if (rows.length === limit && limit > 0) {
    const nextParams = new URLSearchParams(firstParams);
    nextParams.set('marker', rows[rows.length - 1].id);
    page.next = `/v2/images?${nextParams}`;
  }
  return page;
}
