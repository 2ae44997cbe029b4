// ORDER BY and "rows after the marker" (keyset paging) for a complete sort.
// MariaDB sorts NULL first ascending and last descending; the marker
// condition follows that exactly, so paging neither skips nor repeats rows,
// also with ties (created_at has 1-second resolution) and NULL sort values.
// (Glance itself compares NULLs as ''/0 here and can skip rows.)
import type { Image, Prisma } from '@/lib/generated/prisma/client';
import type { SortKey, SortSpec } from './params';

type Where = Prisma.ImageWhereInput;

const COLUMNS = {
  name: 'name',
  status: 'status',
  container_format: 'containerFormat',
  disk_format: 'diskFormat',
  size: 'size',
  id: 'id',
  created_at: 'createdAt',
  updated_at: 'updatedAt',
} as const satisfies Record<SortKey, keyof Image>;

const NOT_NULL = new Set<SortKey>(['status', 'id', 'created_at']);

export function orderBy(sort: SortSpec[]): Prisma.ImageOrderByWithRelationInput[] {
  return sort.map(({ key, dir }) => ({ [COLUMNS[key]]: dir }));
}

/** Rows strictly after `marker` in the order `sort` (whose last keys make it total). */
export function afterMarker(sort: SortSpec[], marker: Image): Where {
  const value = (key: SortKey) => marker[COLUMNS[key]];
  const branches: Where[] = [];
  for (let i = 0; i < sort.length; i++) {
    const { key, dir } = sort[i];
    const column = COLUMNS[key];
    const v = value(key);
    let beyond: Where;
    if (v === null) {
      // NULL is first ascending (every non-NULL is after it) and last descending (nothing is).
      if (dir === 'desc') continue;
      beyond = { [column]: { not: null } };
    } else if (dir === 'asc') {
      beyond = { [column]: { gt: v } };
    } else {
      beyond = NOT_NULL.has(key) ? { [column]: { lt: v } } : { OR: [{ [column]: { lt: v } }, { [column]: null }] };
    }
    const sameBefore: Where[] = sort.slice(0, i).map((s) => ({ [COLUMNS[s.key]]: value(s.key) }));
    branches.push({ AND: [...sameBefore, beyond] });
  }
  return { AND: [leadingBound(sort[0], value(sort[0].key)), { OR: branches }] };
}

/**
 * A redundant bound on the first sort column, implied by the branches above,
 * so that MariaDB can range-scan an index instead of walking from the start.
 */
function leadingBound({ key, dir }: SortSpec, v: unknown): Where {
  const column = COLUMNS[key];
  if (v === null) return dir === 'desc' ? { [column]: null } : {};
  if (dir === 'asc') return { [column]: { gte: v } };
  return NOT_NULL.has(key) ? { [column]: { lte: v } } : {};
}
