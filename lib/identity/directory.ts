// Domains, projects, users, roles and role assignments: the Keystone calls
// behind `openstack project|user|role ...`. Changes are admin-only; a user may
// read its own user record and the projects it is scoped to.
import { randomUUID } from 'node:crypto';
import { db } from '@/lib/db/client';
import { badRequest, conflict, forbiddenAction, notFound } from './errors';
import { hashPassword } from './password';
import type { ValidToken } from './tokens';

export const DEFAULT_DOMAIN_ID = 'default';

type Obj = Record<string, unknown>;

export function newId(): string {
  return randomUUID().replace(/-/g, '');
}

export function isAdmin(caller: ValidToken): boolean {
  return caller.project !== null && caller.roles.some((r) => r.name === 'admin');
}

export function requireAdmin(caller: ValidToken, action: string): void {
  if (!isAdmin(caller)) throw forbiddenAction(`identity:${action}`);
}

function body(raw: unknown, key: string): Obj {
  const outer = raw as Obj | null;
  const inner = outer && typeof outer === 'object' ? outer[key] : undefined;
  if (!inner || typeof inner !== 'object' || Array.isArray(inner)) throw badRequest(`Invalid input for field '${key}': '${key}' is a required property`);
  return inner as Obj;
}

function stringField(o: Obj, key: string, required: boolean): string | undefined {
  const v = o[key];
  if (v === undefined || v === null) {
    if (required) throw badRequest(`Invalid input for field '${key}': '${key}' is a required property`);
    return undefined;
  }
  if (typeof v !== 'string' || (required && v.trim() === '')) throw badRequest(`Invalid input for field '${key}': a non-empty string is required.`);
  return v;
}

function boolField(o: Obj, key: string): boolean | undefined {
  const v = o[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'boolean') throw badRequest(`Invalid input for field '${key}': ${JSON.stringify(v)} is not of type 'boolean'`);
  return v;
}

function isDuplicate(err: unknown): boolean {
  return (err as { code?: string }).code === 'P2002';
}

// ---- domains ----

export async function listDomains(caller: ValidToken, q: URLSearchParams) {
  requireAdmin(caller, 'list_domains');
  return db().identityDomain.findMany({ where: { ...(q.get('name') ? { name: q.get('name')! } : {}) }, orderBy: { name: 'asc' } });
}

export async function getDomain(caller: ValidToken, id: string) {
  const own = caller.project?.domain.id === id || caller.user.domain.id === id;
  if (!own) requireAdmin(caller, 'get_domain');
  const d = await db().identityDomain.findUnique({ where: { id } });
  if (!d) throw notFound('domain', id);
  return d;
}

async function domainExists(id: string): Promise<void> {
  if (!(await db().identityDomain.findUnique({ where: { id } }))) throw notFound('domain', id);
}

// ---- projects ----

export async function listProjects(caller: ValidToken, q: URLSearchParams) {
  requireAdmin(caller, 'list_projects');
  const where: Obj = {};
  if (q.get('name') !== null) where.name = q.get('name');
  if (q.get('domain_id') !== null) where.domainId = q.get('domain_id');
  if (q.get('enabled') !== null) where.enabled = !['false', '0', 'no'].includes(q.get('enabled')!.toLowerCase());
  return db().identityProject.findMany({ where, orderBy: { name: 'asc' } });
}

export async function getProject(caller: ValidToken, id: string) {
  if (caller.project?.id !== id) requireAdmin(caller, 'get_project');
  const p = await db().identityProject.findUnique({ where: { id } });
  if (!p) throw notFound('project', id);
  return p;
}

export async function createProject(caller: ValidToken, raw: unknown) {
  requireAdmin(caller, 'create_project');
  const p = body(raw, 'project');
  const name = stringField(p, 'name', true)!;
  if (name.length > 64) throw badRequest(`Invalid input for field 'name': '${name}' is too long`);
  const domainId = stringField(p, 'domain_id', false) ?? caller.project?.domain.id ?? DEFAULT_DOMAIN_ID;
  await domainExists(domainId);
  try {
    return await db().identityProject.create({
      data: {
        id: newId(),
        name,
        domainId,
        description: stringField(p, 'description', false) ?? '',
        enabled: boolField(p, 'enabled') ?? true,
        createdAt: new Date(),
      },
    });
  } catch (err) {
    if (isDuplicate(err)) throw conflict('project', `Duplicate entry found with name ${name} at domain ID ${domainId}`);
    throw err;
  }
}

export async function updateProject(caller: ValidToken, id: string, raw: unknown) {
  requireAdmin(caller, 'update_project');
  const p = body(raw, 'project');
  await getProject(caller, id);
  const data: Obj = {};
  if (p.name !== undefined) data.name = stringField(p, 'name', true);
  if (p.description !== undefined) data.description = stringField(p, 'description', false) ?? '';
  if (p.enabled !== undefined) data.enabled = boolField(p, 'enabled');
  try {
    return await db().identityProject.update({ where: { id }, data });
  } catch (err) {
    if (isDuplicate(err)) throw conflict('project', `Duplicate entry found with name ${String(data.name)}`);
    throw err;
  }
}

export async function deleteProject(caller: ValidToken, id: string): Promise<void> {
  requireAdmin(caller, 'delete_project');
  // Assignments and tokens scoped to it go with it (ON DELETE CASCADE).
  const res = await db().identityProject.deleteMany({ where: { id } });
  if (res.count === 0) throw notFound('project', id);
}

/** Projects the user has a role on (GET /v3/auth/projects, /v3/users/{id}/projects). */
export async function projectsOfUser(userId: string) {
  return db().identityProject.findMany({
    where: { enabled: true, assignments: { some: { userId } } },
    orderBy: { name: 'asc' },
  });
}

// ---- users ----

export async function listUsers(caller: ValidToken, q: URLSearchParams) {
  requireAdmin(caller, 'list_users');
  const where: Obj = {};
  if (q.get('name') !== null) where.name = q.get('name');
  if (q.get('domain_id') !== null) where.domainId = q.get('domain_id');
  return db().identityUser.findMany({ where, orderBy: { name: 'asc' } });
}

export async function getUser(caller: ValidToken, id: string) {
  if (caller.user.id !== id) requireAdmin(caller, 'get_user');
  const u = await db().identityUser.findUnique({ where: { id } });
  if (!u) throw notFound('user', id);
  return u;
}

export async function createUser(caller: ValidToken, raw: unknown) {
  requireAdmin(caller, 'create_user');
  const u = body(raw, 'user');
  const name = stringField(u, 'name', true)!;
  const domainId = stringField(u, 'domain_id', false) ?? caller.project?.domain.id ?? DEFAULT_DOMAIN_ID;
  await domainExists(domainId);
  const password = stringField(u, 'password', false);
  const defaultProjectId = stringField(u, 'default_project_id', false);
  if (defaultProjectId && !(await db().identityProject.findUnique({ where: { id: defaultProjectId } }))) {
    throw notFound('project', defaultProjectId);
  }
  try {
    return await db().identityUser.create({
      data: {
        id: newId(),
        name,
        domainId,
        passwordHash: password ? await hashPassword(password) : null,
        enabled: boolField(u, 'enabled') ?? true,
        defaultProjectId: defaultProjectId ?? null,
        email: stringField(u, 'email', false) ?? null,
        description: stringField(u, 'description', false) ?? null,
        createdAt: new Date(),
      },
    });
  } catch (err) {
    if (isDuplicate(err)) throw conflict('user', `Duplicate entry found with name ${name} at domain ID ${domainId}`);
    throw err;
  }
}

export async function updateUser(caller: ValidToken, id: string, raw: unknown) {
  requireAdmin(caller, 'update_user');
  const u = body(raw, 'user');
  await getUser(caller, id);
  const data: Obj = {};
  if (u.name !== undefined) data.name = stringField(u, 'name', true);
  if (u.enabled !== undefined) data.enabled = boolField(u, 'enabled');
  if (u.email !== undefined) data.email = stringField(u, 'email', false) ?? null;
  if (u.description !== undefined) data.description = stringField(u, 'description', false) ?? null;
  if (u.default_project_id !== undefined) data.defaultProjectId = stringField(u, 'default_project_id', false) ?? null;
  if (u.password !== undefined) {
    data.passwordHash = await hashPassword(stringField(u, 'password', true)!);
    data.failedAuthCount = 0;
    data.failedAuthAt = null;
  }
  const updated = await db().identityUser.update({ where: { id }, data });
  // A new password or a disabled account ends the user's existing tokens, as in Keystone.
  if (data.passwordHash || data.enabled === false) {
    await db().identityToken.updateMany({ where: { userId: id, revokedAt: null }, data: { revokedAt: new Date() } });
  }
  return updated;
}

export async function deleteUser(caller: ValidToken, id: string): Promise<void> {
  requireAdmin(caller, 'delete_user');
  const res = await db().identityUser.deleteMany({ where: { id } });
  if (res.count === 0) throw notFound('user', id);
}

// ---- roles and assignments ----

export async function listRoles(caller: ValidToken, q: URLSearchParams) {
  requireAdmin(caller, 'list_roles');
  return db().identityRole.findMany({ where: q.get('name') !== null ? { name: q.get('name')! } : {}, orderBy: { name: 'asc' } });
}

export async function getRole(caller: ValidToken, id: string) {
  requireAdmin(caller, 'get_role');
  const r = await db().identityRole.findUnique({ where: { id } });
  if (!r) throw notFound('role', id);
  return r;
}

async function assignmentParts(projectId: string, userId: string, roleId: string) {
  const [project, user, role] = await Promise.all([
    db().identityProject.findUnique({ where: { id: projectId } }),
    db().identityUser.findUnique({ where: { id: userId } }),
    db().identityRole.findUnique({ where: { id: roleId } }),
  ]);
  if (!role) throw notFound('role', roleId);
  if (!project) throw notFound('project', projectId);
  if (!user) throw notFound('user', userId);
}

export async function grantRole(caller: ValidToken, projectId: string, userId: string, roleId: string): Promise<void> {
  requireAdmin(caller, 'create_grant');
  await assignmentParts(projectId, userId, roleId);
  await db().identityRoleAssignment.upsert({
    where: { userId_projectId_roleId: { userId, projectId, roleId } },
    create: { userId, projectId, roleId },
    update: {},
  });
}

export async function checkGrant(caller: ValidToken, projectId: string, userId: string, roleId: string): Promise<void> {
  requireAdmin(caller, 'check_grant');
  await assignmentParts(projectId, userId, roleId);
  const found = await db().identityRoleAssignment.findUnique({ where: { userId_projectId_roleId: { userId, projectId, roleId } } });
  if (!found) throw notFound('role assignment', `${roleId} on project ${projectId} for user ${userId}`);
}

export async function revokeGrant(caller: ValidToken, projectId: string, userId: string, roleId: string): Promise<void> {
  requireAdmin(caller, 'revoke_grant');
  await assignmentParts(projectId, userId, roleId);
  const res = await db().identityRoleAssignment.deleteMany({ where: { userId, projectId, roleId } });
  if (res.count === 0) throw notFound('role assignment', `${roleId} on project ${projectId} for user ${userId}`);
}

export async function rolesOnProject(caller: ValidToken, projectId: string, userId: string) {
  requireAdmin(caller, 'list_grants');
  const rows = await db().identityRoleAssignment.findMany({ where: { projectId, userId }, include: { role: true } });
  return rows.map((r) => r.role);
}

export async function listAssignments(caller: ValidToken, q: URLSearchParams) {
  requireAdmin(caller, 'list_role_assignments');
  // Group, domain and system assignments do not exist here: such filters match nothing.
  if (q.get('group.id') || q.get('scope.domain.id') || q.has('scope.system')) return [];
  const where: Obj = {};
  if (q.get('user.id')) where.userId = q.get('user.id');
  if (q.get('scope.project.id')) where.projectId = q.get('scope.project.id');
  if (q.get('role.id')) where.roleId = q.get('role.id');
  return db().identityRoleAssignment.findMany({
    where,
    include: { role: true, user: { include: { domain: true } }, project: { include: { domain: true } } },
    orderBy: [{ projectId: 'asc' }, { userId: 'asc' }],
  });
}
