// Keystone's unified limits: registered limits (a service's default per
// resource, optionally per region) and project limits that override them
// (`openstack registered limit create`, `openstack limit create`). Changes are
// admin-only; anyone may read registered limits, a project's members its limits.
import { getConfig } from '@/lib/config';
import { db } from '@/lib/db/client';
import type { IdentityLimit, IdentityRegisteredLimit } from '@/lib/generated/prisma/client';
import { endpoints, services } from './catalog';
import { isAdmin, newId } from './directory';
import { badRequest, conflict, KeystoneError } from './errors';
import type { ValidToken } from './tokens';

type Obj = Record<string, unknown>;
const MAX_LIMIT = 0x7fffffff; // Keystone's schema: a signed INT, -1 = unlimited

/** Keystone's ValidationError for a reference that does not exist. */
const missing = (attribute: string, target: string) =>
  badRequest(
    `Expecting to find ${attribute} in ${target}. The server could not comply with the request since it is either malformed or otherwise incorrect. The client is assumed to be in error.`,
  );

function field(o: Obj, key: string, kind: 'string' | 'limit' | 'description', required: boolean): unknown {
  const v = o[key];
  if (v === undefined) {
    if (required) throw badRequest(`Invalid input for field '${key}': '${key}' is a required property`);
    return undefined;
  }
  if (kind === 'description') {
    if (v !== null && typeof v !== 'string') throw badRequest(`Invalid input for field '${key}': ${JSON.stringify(v)} is not of type 'string', 'null'`);
    return v;
  }
  if (kind === 'limit') {
    if (typeof v !== 'number' || !Number.isInteger(v)) throw badRequest(`Invalid input for field '${key}': ${JSON.stringify(v)} is not of type 'integer'`);
    if (v < -1) throw badRequest(`Invalid input for field '${key}': ${v} is less than the minimum of -1`);
    if (v > MAX_LIMIT) throw badRequest(`Invalid input for field '${key}': ${v} is greater than the maximum of ${MAX_LIMIT}`);
    return v;
  }
  if (typeof v !== 'string' || v === '' || v.length > 255) throw badRequest(`Invalid input for field '${key}': ${JSON.stringify(v)} is not a valid value`);
  return v;
}

function onlyKeys(o: Obj, allowed: string[]): void {
  const extra = Object.keys(o).filter((k) => !allowed.includes(k));
  if (extra.length) throw badRequest(`Invalid input for field '/': Additional properties are not allowed ('${extra.join("', '")}' ${extra.length > 1 ? 'were' : 'was'} unexpected)`);
}

function listBody(raw: unknown, key: string): Obj[] {
  const outer = raw && typeof raw === 'object' && !Array.isArray(raw) ? (raw as Obj) : {};
  const items = outer[key];
  if (items === undefined) throw badRequest(`Invalid input for field '/': '${key}' is a required property`);
  if (!Array.isArray(items)) throw badRequest(`Invalid input for field '${key}': ${JSON.stringify(items)} is not of type 'array'`);
  if (items.length === 0) throw badRequest(`Invalid input for field '${key}': [] should be non-empty`);
  return items.map((i) => {
    if (!i || typeof i !== 'object' || Array.isArray(i)) throw badRequest(`Invalid input for field '${key}': ${JSON.stringify(i)} is not of type 'object'`);
    return i as Obj;
  });
}

function memberBody(raw: unknown, key: string): Obj {
  const outer = raw && typeof raw === 'object' && !Array.isArray(raw) ? (raw as Obj) : {};
  const inner = outer[key];
  if (!inner || typeof inner !== 'object' || Array.isArray(inner)) throw badRequest(`Invalid input for field '/': '${key}' is a required property`);
  return inner as Obj;
}

/** The regions this identity service knows: its own and those of registered endpoints. */
export async function regions(base: string): Promise<string[]> {
  return [...new Set([getConfig().identity.region, ...(await endpoints(base)).map((e) => e.regionId)])];
}

async function assertRefs(o: { service_id?: unknown; region_id?: unknown; project_id?: unknown }, target: string, base: string): Promise<void> {
  if (o.service_id !== undefined && !services().some((s) => s.id === o.service_id)) throw missing('service_id', target);
  if (o.region_id !== undefined && o.region_id !== null && !(await regions(base)).includes(o.region_id as string)) throw missing('region_id', target);
  if (o.project_id !== undefined && !(await db().identityProject.findUnique({ where: { id: o.project_id as string } }))) throw missing('project_id', target);
}

export function registeredLimitView(r: IdentityRegisteredLimit, v3: string) {
  return {
    id: r.id,
    service_id: r.serviceId,
    region_id: r.regionId,
    resource_name: r.resourceName,
    default_limit: r.defaultLimit,
    description: r.description,
    links: { self: `${v3}/registered_limits/${r.id}` },
  };
}

export function limitView(l: IdentityLimit & { registeredLimit: IdentityRegisteredLimit }, v3: string) {
  return {
    id: l.id,
    project_id: l.projectId,
    domain_id: null,
    service_id: l.registeredLimit.serviceId,
    region_id: l.registeredLimit.regionId,
    resource_name: l.registeredLimit.resourceName,
    resource_limit: l.resourceLimit,
    description: l.description,
    links: { self: `${v3}/limits/${l.id}` },
  };
}

/** GET /v3/registered_limits?service_id=&region_id=&resource_name= */
export async function listRegisteredLimits(q: URLSearchParams): Promise<IdentityRegisteredLimit[]> {
  const where: Record<string, string> = {};
  if (q.get('service_id')) where.serviceId = q.get('service_id')!;
  if (q.get('region_id')) where.regionId = q.get('region_id')!;
  if (q.get('resource_name')) where.resourceName = q.get('resource_name')!;
  return db().identityRegisteredLimit.findMany({ where, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
}

export async function getRegisteredLimit(id: string): Promise<IdentityRegisteredLimit> {
  const r = await db().identityRegisteredLimit.findUnique({ where: { id } });
  if (!r) throw new KeystoneError(404, `Could not find registered limit for ${id}.`);
  return r;
}

const duplicate = (type: string) => conflict(type, 'Duplicate entry');

async function sameRegistered(serviceId: string, regionId: string | null, resourceName: string, except?: string) {
  return db().identityRegisteredLimit.findFirst({ where: { serviceId, regionId, resourceName, ...(except ? { id: { not: except } } : {}) } });
}

/** POST /v3/registered_limits: all or none. */
export async function createRegisteredLimits(raw: unknown, base: string): Promise<IdentityRegisteredLimit[]> {
  const items = listBody(raw, 'registered_limits');
  const rows: { serviceId: string; regionId: string | null; resourceName: string; defaultLimit: number; description: string | null }[] = [];
  for (const o of items) {
    onlyKeys(o, ['service_id', 'region_id', 'resource_name', 'default_limit', 'description']);
    const row = {
      serviceId: field(o, 'service_id', 'string', true) as string,
      regionId: (field(o, 'region_id', 'string', false) as string | undefined) ?? null,
      resourceName: field(o, 'resource_name', 'string', true) as string,
      defaultLimit: field(o, 'default_limit', 'limit', true) as number,
      description: (field(o, 'description', 'description', false) as string | null | undefined) ?? null,
    };
    await assertRefs({ service_id: row.serviceId, region_id: row.regionId }, 'registered_limit', base);
    if (rows.some((r) => r.serviceId === row.serviceId && r.regionId === row.regionId && r.resourceName === row.resourceName)) throw duplicate('registered_limit');
    rows.push(row);
  }
  return db().$transaction(async (tx) => {
    const made = [];
    for (const row of rows) {
      if (await tx.identityRegisteredLimit.findFirst({ where: { serviceId: row.serviceId, regionId: row.regionId, resourceName: row.resourceName } })) {
        throw duplicate('registered_limit');
      }
      made.push(await tx.identityRegisteredLimit.create({ data: { id: newId(), ...row, createdAt: new Date() } }));
    }
    return made;
  });
}

const referenced = (id: string) =>
  new KeystoneError(403, `Unable to update or delete registered limit ${id} because there are project limits associated with it.`);

/** PATCH /v3/registered_limits/{id}: refused while project limits refer to it. */
export async function updateRegisteredLimit(id: string, raw: unknown, base: string): Promise<IdentityRegisteredLimit> {
  const o = memberBody(raw, 'registered_limit');
  onlyKeys(o, ['service_id', 'region_id', 'resource_name', 'default_limit', 'description']);
  const data: Partial<IdentityRegisteredLimit> = {};
  if (o.service_id !== undefined) data.serviceId = field(o, 'service_id', 'string', true) as string;
  if (o.region_id !== undefined) data.regionId = o.region_id === null ? null : (field(o, 'region_id', 'string', true) as string);
  if (o.resource_name !== undefined) data.resourceName = field(o, 'resource_name', 'string', true) as string;
  if (o.default_limit !== undefined) data.defaultLimit = field(o, 'default_limit', 'limit', true) as number;
  if (o.description !== undefined) data.description = field(o, 'description', 'description', true) as string | null;
  await assertRefs({ service_id: data.serviceId, region_id: data.regionId }, 'registered_limit', base);
  const current = await getRegisteredLimit(id);
  if ((await db().identityLimit.count({ where: { registeredLimitId: id } })) > 0) throw referenced(id);
  const next = { ...current, ...data };
  if (await sameRegistered(next.serviceId, next.regionId, next.resourceName, id)) throw duplicate('registered_limit');
  return db().identityRegisteredLimit.update({ where: { id }, data });
}

export async function deleteRegisteredLimit(id: string): Promise<void> {
  await getRegisteredLimit(id);
  if ((await db().identityLimit.count({ where: { registeredLimitId: id } })) > 0) throw referenced(id);
  await db().identityRegisteredLimit.delete({ where: { id } });
}

const WITH_REGISTERED = { registeredLimit: true } as const;

/** GET /v3/limits: admins see every project's, others only their project's (Keystone's filtering). */
export async function listLimits(caller: ValidToken, q: URLSearchParams) {
  const where: Record<string, unknown> = {};
  const reg: Record<string, string> = {};
  if (q.get('service_id')) reg.serviceId = q.get('service_id')!;
  if (q.get('region_id')) reg.regionId = q.get('region_id')!;
  if (q.get('resource_name')) reg.resourceName = q.get('resource_name')!;
  if (Object.keys(reg).length) where.registeredLimit = reg;
  if (q.get('project_id')) where.projectId = q.get('project_id');
  if (q.get('domain_id')) return [];
  if (!isAdmin(caller)) {
    if (!caller.project) return [];
    if (q.get('project_id') && q.get('project_id') !== caller.project.id) return [];
    where.projectId = caller.project.id;
  }
  return db().identityLimit.findMany({ where, include: WITH_REGISTERED, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
}

/** GET /v3/limits/{id}: an admin, or a member of the limit's project. */
export async function getLimit(caller: ValidToken, id: string) {
  const l = await db().identityLimit.findUnique({ where: { id }, include: WITH_REGISTERED });
  if (!isAdmin(caller) && (!l || caller.project?.id !== l.projectId)) {
    throw new KeystoneError(403, 'You are not authorized to perform the requested action: identity:get_limit.');
  }
  if (!l) throw new KeystoneError(404, `Could not find limit for ${id}.`);
  return l;
}

/** POST /v3/limits: each must have a registered limit (same service, region, resource); all or none. */
export async function createLimits(raw: unknown, base: string) {
  const items = listBody(raw, 'limits');
  const rows: { registeredLimitId: string; projectId: string; resourceLimit: number; description: string | null }[] = [];
  for (const o of items) {
    onlyKeys(o, ['service_id', 'region_id', 'resource_name', 'resource_limit', 'description', 'project_id', 'domain_id']);
    if (o.domain_id !== undefined) throw badRequest('Domain limits are not supported here: give project_id.');
    const serviceId = field(o, 'service_id', 'string', true) as string;
    const regionId = (field(o, 'region_id', 'string', false) as string | undefined) ?? null;
    const resourceName = field(o, 'resource_name', 'string', true) as string;
    const projectId = field(o, 'project_id', 'string', true) as string;
    const resourceLimit = field(o, 'resource_limit', 'limit', true) as number;
    const description = (field(o, 'description', 'description', false) as string | null | undefined) ?? null;
    await assertRefs({ service_id: serviceId, region_id: regionId, project_id: projectId }, 'limit', base);
    const registered = await db().identityRegisteredLimit.findFirst({ where: { serviceId, regionId, resourceName } });
    if (!registered) throw new KeystoneError(403, 'Unable to create a limit that has no corresponding registered limit.');
    if (rows.some((r) => r.registeredLimitId === registered.id && r.projectId === projectId)) throw duplicate('limit');
    rows.push({ registeredLimitId: registered.id, projectId, resourceLimit, description });
  }
  return db().$transaction(async (tx) => {
    const made = [];
    for (const row of rows) {
      if (await tx.identityLimit.findFirst({ where: { registeredLimitId: row.registeredLimitId, projectId: row.projectId } })) throw duplicate('limit');
      made.push(await tx.identityLimit.create({ data: { id: newId(), ...row, createdAt: new Date() }, include: WITH_REGISTERED }));
    }
    return made;
  });
}

/** PATCH /v3/limits/{id}: only resource_limit and description change. */
export async function updateLimit(id: string, raw: unknown) {
  const o = memberBody(raw, 'limit');
  onlyKeys(o, ['resource_limit', 'description']);
  const data: { resourceLimit?: number; description?: string | null } = {};
  if (o.resource_limit !== undefined) data.resourceLimit = field(o, 'resource_limit', 'limit', true) as number;
  if (o.description !== undefined) data.description = field(o, 'description', 'description', true) as string | null;
  if (!(await db().identityLimit.findUnique({ where: { id } }))) throw new KeystoneError(404, `Could not find limit for ${id}.`);
  return db().identityLimit.update({ where: { id }, data, include: WITH_REGISTERED });
}

export async function deleteLimit(id: string): Promise<void> {
  if (!(await db().identityLimit.findUnique({ where: { id } }))) throw new KeystoneError(404, `Could not find limit for ${id}.`);
  await db().identityLimit.delete({ where: { id } });
}

/**
 * What oslo.limit's flat enforcer reads for a project: for each resource of
 * `service`, the project's limit, else the registered default of the region;
 * a resource with neither is absent (its limit is then 0).
 */
export async function effectiveLimits(serviceId: string, region: string, projectId: string | null, names: string[]): Promise<Map<string, number>> {
  const registered = await db().identityRegisteredLimit.findMany({
    where: { serviceId, regionId: region, resourceName: { in: names } },
    include: projectId ? { limits: { where: { projectId } } } : undefined,
  });
  const out = new Map<string, number>();
  for (const r of registered as (IdentityRegisteredLimit & { limits?: IdentityLimit[] })[]) {
    out.set(r.resourceName, r.limits?.[0]?.resourceLimit ?? r.defaultLimit);
  }
  return out;
}

