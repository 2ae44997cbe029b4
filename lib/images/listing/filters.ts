// The list's WHERE clause, built the way glance/db/sqlalchemy/api.py builds
// it (_make_conditions_from_filters, _select_images_query, image_get_all).
import type { RequestContext } from '@/lib/auth/context';
import { BadRequest } from '@/lib/errors';
import type { Prisma } from '@/lib/generated/prisma/client';
import { parseIsoTime } from './iso8601';
import { pythonInt, type ListQuery } from './params';

type Where = Prisma.ImageWhereInput;

/** Matches no row: Glance's `IN ()` and comparisons no row can satisfy. */
const NOTHING: Where = { id: { in: [] } };

/** Columns that take `op:value` (`in:` and `eq:` only; plain value = eq). */
const OPERATOR_COLUMNS = { name: 'name', id: 'id', status: 'status', container_format: 'containerFormat', disk_format: 'diskFormat' } as const;
/** Columns `<column>_min` / `<column>_max` range over. */
const RANGE_COLUMNS = { size: 'size', virtual_size: 'virtualSize', min_disk: 'minDisk', min_ram: 'minRam' } as const;
const DATE_COLUMNS = { created_at: 'createdAt', updated_at: 'updatedAt' } as const;
/** Other image columns a filter of the same name compares for equality; any other name is a custom property. */
const STRING_COLUMNS = { owner: 'owner', checksum: 'checksum', os_hash_value: 'osHashValue', os_hash_algo: 'osHashAlgo' } as const;
const NUMBER_COLUMNS = { size: 'size', virtual_size: 'virtualSize', min_disk: 'minDisk', min_ram: 'minRam' } as const;

function has<T extends object>(table: T, key: string): key is Extract<keyof T, string> {
  return Object.prototype.hasOwnProperty.call(table, key);
}

/**
 * glance.common.utils.split_filter_op: `op:value`, except that a value which is
 * itself an ISO 8601 time (it has colons) is a plain value.
 */
function splitOperator(expression: string): [string, string] {
  const colon = expression.indexOf(':');
  if (colon < 0 || parseIsoTime(expression)) return ['eq', expression];
  return [expression.slice(0, colon), expression.slice(colon + 1)];
}

/** glance.common.utils.split_filter_value_for_quotes: `a,"b,c",d` → a | b,c | d. */
export function splitInValues(value: string): string[] {
  let open = true;
  for (let i = 0; i < value.length; i++) {
    if (value[i] !== '"' || (i > 0 && value[i - 1] === '\\')) continue;
    if (open && i > 0 && value[i - 1] !== ',') {
      throw new BadRequest(`Invalid filter value ${value}. There is no comma before opening quotation mark.`);
    }
    if (!open && i + 1 !== value.length && value[i + 1] !== ',') {
      throw new BadRequest(`Invalid filter value ${value}. There is no comma after closing quotation mark.`);
    }
    open = !open;
  }
  if (!open) throw new BadRequest(`Invalid filter value ${value}. The quote is not closed.`);
  const parts = /"([^"\\]*(?:\\.[^"\\]*)*)",?|([^,]+),?|,/g;
  return [...value.matchAll(parts)].map((m) => m[1] || m[2] || '');
}

function operatorFilter(param: keyof typeof OPERATOR_COLUMNS, raw: string): Where {
  const column = OPERATOR_COLUMNS[param];
  const [op, value] = splitOperator(raw);
  if (op === 'in') return { [column]: { in: splitInValues(value) } };
  if (op === 'eq') return { [column]: value };
  throw new BadRequest(`Unable to filter by unknown operator '${op}'.`);
}

function dateFilter(param: keyof typeof DATE_COLUMNS, raw: string): Where {
  const column = DATE_COLUMNS[param];
  const [op, text] = splitOperator(raw);
  const when = parseIsoTime(text);
  if (!when) throw new BadRequest(`Bad "${param}" query filter format. Use ISO 8601 DateTime notation.`);
  switch (op) {
    case 'eq': return { [column]: when };
    // SQL's `!=`: a NULL updated_at does not match either.
    case 'neq': return column === 'updatedAt' ? { AND: [{ updatedAt: { not: when } }, { updatedAt: { not: null } }] } : { [column]: { not: when } };
    case 'gt': case 'gte': case 'lt': case 'lte': return { [column]: { [op]: when } };
    default: throw new BadRequest('Unable to filter on a unknown operator.');
  }
}

function rangeFilter(param: string, raw: string): Where {
  const bound = pythonInt(raw);
  if (bound === null) throw new BadRequest('Unable to filter on a range with a non-numeric value.');
  const column = param.slice(0, -4);
  // Glance has no such column and fails with a 500; a clear 400 serves better.
  if (!has(RANGE_COLUMNS, column)) throw new BadRequest(`Unable to filter on a range of '${column}'.`);
  return { [RANGE_COLUMNS[column]]: { [param.endsWith('_min') ? 'gte' : 'lte']: bound } };
}

function equalityFilter(param: string, value: string): Where {
  if (has(STRING_COLUMNS, param)) return { [STRING_COLUMNS[param]]: value };
  if (has(NUMBER_COLUMNS, param)) {
    const n = pythonInt(value);
    return n === null ? NOTHING : { [NUMBER_COLUMNS[param]]: n };
  }
  return { properties: { some: { name: param, value, deleted: false } } };
}

/** Conditions from the filter parameters (not visibility). */
export function filterConditions(req: ListQuery): Where[] {
  // A live image is never `killed` in a list (Glance's deleted=False filter).
  const and: Where[] = [{ deleted: false }, { status: { not: 'killed' } }, { osHidden: req.osHidden }];
  if (req.protected !== null) and.push({ protected: req.protected });
  for (const tag of req.tags) and.push({ tags: { some: { value: tag, deleted: false } } });
  for (const [param, value] of req.filters) {
    if (param.endsWith('_min') || param.endsWith('_max')) and.push(rangeFilter(param, value));
    else if (has(DATE_COLUMNS, param)) and.push(dateFilter(param, value));
    else if (has(OPERATOR_COLUMNS, param)) and.push(operatorFilter(param, value));
    else and.push(equalityFilter(param, value));
  }
  return and;
}

/**
 * Which images the caller may list. Regular users: public and community
 * images, their own, and shared images they are a member of with the asked
 * member_status (accepted by default); admins: every image. Then the
 * `visibility` parameter narrows; without it, other projects' community
 * images are left out.
 */
export function visibilityConditions(ctx: RequestContext, req: Pick<ListQuery, 'visibility' | 'memberStatus'>): Where[] {
  const project = ctx.projectId;
  const and: Where[] = [];
  if (!ctx.isAdmin) {
    const reachable: Where[] = [{ visibility: { in: ['public', 'community'] } }];
    if (project !== null) {
      reachable.push({ owner: project });
      const member = { member: project, deleted: false, ...(req.memberStatus === 'all' ? {} : { status: req.memberStatus }) };
      reachable.push({ visibility: 'shared', members: { some: member } });
    }
    and.push({ OR: reachable });
  }
  if (req.visibility !== null) {
    if (req.visibility === '') and.push(NOTHING);
    else if (req.visibility !== 'all') and.push({ visibility: req.visibility as Prisma.EnumImageVisibilityFilter['equals'] });
  } else if (project === null) {
    and.push({ visibility: { not: 'community' } });
  } else {
    and.push({ OR: [{ owner: project }, { visibility: { not: 'community' } }] });
  }
  return and;
}
