// Keyset paging: orderBy() and afterMarker() must page through any set of
// images in Glance's order without skipping or repeating one, also with
// ties and NULL sort values. The conditions are evaluated here in memory
// with SQL's meaning (NULL matches no comparison; MariaDB sorts NULL first
// ascending and last descending), over seeded random data.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Image } from '../../lib/generated/prisma/client';
import { afterMarker, orderBy } from '../../lib/images/listing/order';
import { parseListRequest } from '../../lib/images/listing/params';

type Row = Pick<Image, 'id' | 'name' | 'status' | 'containerFormat' | 'diskFormat' | 'size' | 'createdAt' | 'updatedAt'>;
type Value = string | bigint | Date | null;

function compare(a: Value, b: Value): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? -1 : 1;
  const x = a instanceof Date ? a.getTime() : a;
  const y = b instanceof Date ? b.getTime() : b;
  return x < y ? -1 : x > y ? 1 : 0;
}

/** A Prisma where clause, as SQL would evaluate it on one row. */
function matches(row: Row, where: Record<string, unknown>): boolean {
  return Object.entries(where).every(([key, cond]) => {
    if (key === 'AND') return (cond as Record<string, unknown>[]).every((w) => matches(row, w));
    if (key === 'OR') return (cond as Record<string, unknown>[]).some((w) => matches(row, w));
    const v = row[key as keyof Row] as Value;
    if (cond === null) return v === null;
    if (typeof cond !== 'object' || cond instanceof Date) return v !== null && compare(v, cond as Value) === 0;
    return Object.entries(cond as Record<string, Value>).every(([op, bound]) => {
      if (op === 'not') return bound === null ? v !== null : v !== null && compare(v, bound) !== 0;
      if (v === null || bound === null) return false;
      const c = compare(v, bound);
      return op === 'gt' ? c > 0 : op === 'gte' ? c >= 0 : op === 'lt' ? c < 0 : op === 'lte' ? c <= 0 : assert.fail(`operator ${op}`);
    });
  });
}

/** ORDER BY as MariaDB runs it: NULL is the smallest value. */
function sorted(rows: Row[], order: Record<string, 'asc' | 'desc'>[]): Row[] {
  return [...rows].sort((a, b) => {
    for (const o of order) {
      const [[column, dir]] = Object.entries(o);
      const c = compare(a[column as keyof Row] as Value, b[column as keyof Row] as Value);
      if (c !== 0) return dir === 'asc' ? c : -c;
    }
    return 0;
  });
}

function random(seed: number) {
  return () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
}

function images(n: number, rand: () => number): Row[] {
  const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)];
  return Array.from({ length: n }, (_, i) => ({
    id: `${(i * 7919) % 1000}`.padStart(4, '0') + `-${i}`,
    name: pick([null, 'alpha', 'beta', 'beta', 'gamma']),
    status: pick(['active', 'queued', 'saving']),
    containerFormat: pick([null, 'bare', 'ovf']),
    diskFormat: pick([null, 'raw', 'qcow2']),
    size: pick([null, 0n, 1n, 1n, 2n ** 40n]),
    // One-second resolution: many ties on created_at.
    createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, pick([0, 0, 1, 2]))),
    updatedAt: pick([null, new Date(Date.UTC(2026, 0, 2)), new Date(Date.UTC(2026, 0, 3))]),
  }));
}

const SORTS = [
  '',
  'sort_dir=asc',
  'sort=name:asc',
  'sort=name:desc',
  'sort=size:asc,name:desc',
  'sort=size:desc,disk_format:asc',
  'sort=updated_at:asc',
  'sort=updated_at:desc,container_format:desc',
  'sort=status:asc,id:desc',
  'sort_key=disk_format&sort_key=size&sort_dir=desc',
  'sort_key=name&sort_key=created_at&sort_dir=asc&sort_dir=desc',
  'sort=id:asc',
];

for (const query of SORTS) {
  test(`paging with ${query || 'the default order'} visits every image once, in order`, () => {
    const { sort } = parseListRequest(new URLSearchParams(query));
    const order = orderBy(sort) as Record<string, 'asc' | 'desc'>[];
    for (const seed of [1, 2, 3]) {
      const rows = images(40, random(seed));
      const all = sorted(rows, order);
      for (const pageSize of [1, 4]) {
        const seen: Row[] = [];
        let marker: Row | null = null;
        for (let pages = 0; pages <= rows.length; pages++) {
          const after: Record<string, unknown> | null = marker && (afterMarker(sort, marker as Image) as Record<string, unknown>);
          const rest: Row[] = after ? rows.filter((r) => matches(r, after)) : rows;
          const page: Row[] = sorted(rest, order).slice(0, pageSize);
          if (page.length === 0) break;
          seen.push(...page);
          marker = page[page.length - 1];
        }
        assert.deepEqual(seen.map((r) => r.id), all.map((r) => r.id), `seed ${seed}, page size ${pageSize}`);
      }
    }
  });
}

test('the order is total: created_at and id close every sort', () => {
  const { sort } = parseListRequest(new URLSearchParams('sort=name:asc'));
  assert.deepEqual(orderBy(sort), [{ name: 'asc' }, { createdAt: 'asc' }, { id: 'asc' }]);
});

test('after the last row there is nothing, whatever its NULLs', () => {
  const rows = images(25, random(9));
  for (const query of SORTS) {
    const { sort } = parseListRequest(new URLSearchParams(query));
    const all = sorted(rows, orderBy(sort) as Record<string, 'asc' | 'desc'>[]);
    const last = all[all.length - 1];
    assert.deepEqual(rows.filter((r) => matches(r, afterMarker(sort, last as Image) as Record<string, unknown>)), [], query);
  }
});
