// POST /v3/auth/tokens: the password and token methods, project scope by id
// or by name + domain, unscoped tokens, and the lockout after repeated
// failed passwords (Keystone's [security_compliance] lockout_*).
import { getConfig } from '@/lib/config';
import { db } from '@/lib/db/client';
import { authRequired, badRequest, KeystoneError } from './errors';
import { verifyPassword } from './password';
import { issueToken, validateToken } from './tokens';

type Obj = Record<string, unknown>;

function obj(v: unknown, field: string): Obj {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw badRequest(`Invalid input for field '${field}': it must be an object.`);
  return v as Obj;
}

function optionalString(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** A domain given as {id} or {name}. */
async function findDomainId(ref: unknown): Promise<string | null> {
  if (ref === undefined || ref === null) return null;
  const d = obj(ref, 'domain');
  const id = optionalString(d.id);
  const name = optionalString(d.name);
  const row = id ? await db().identityDomain.findUnique({ where: { id } }) : name ? await db().identityDomain.findUnique({ where: { name } }) : null;
  return row && row.enabled ? row.id : null;
}

async function findUser(ref: Obj) {
  const id = optionalString(ref.id);
  if (id) return db().identityUser.findUnique({ where: { id } });
  const name = optionalString(ref.name);
  if (!name) throw badRequest("Invalid input for field 'identity/password/user': either 'id' or 'name' is required.");
  if (ref.domain === undefined) throw badRequest("Invalid input for field 'identity/password/user/domain': a user given by name needs a domain.");
  const domainId = await findDomainId(ref.domain);
  if (!domainId) return null;
  return db().identityUser.findUnique({ where: { domainId_name: { domainId, name } } });
}

export class LockedOut extends KeystoneError {
  constructor(userId: string) {
    super(401, `The account is locked for user: ${userId}.`);
  }
}

/** The password method: the user id, or 401 (with the lockout counters kept as Keystone keeps them). */
async function passwordUser(password: Obj): Promise<string> {
  const userRef = obj(password.user, 'identity/password/user');
  const secret = userRef.password;
  if (typeof secret !== 'string') throw badRequest("Invalid input for field 'identity/password/user/password': a string is required.");
  const user = await findUser(userRef);
  const { lockoutFailureAttempts: attempts, lockoutDuration: duration } = getConfig().identity;
  if (user && attempts > 0 && user.failedAuthCount >= attempts && user.failedAuthAt) {
    if (user.failedAuthAt.getTime() + duration * 1000 > Date.now()) throw new LockedOut(user.id);
  }
  const ok = await verifyPassword(secret, user?.passwordHash ?? null);
  if (!user) throw authRequired();
  if (!ok) {
    const expired = user.failedAuthAt && user.failedAuthAt.getTime() + duration * 1000 <= Date.now();
    await db().identityUser.update({
      where: { id: user.id },
      data: { failedAuthCount: expired ? 1 : { increment: 1 }, failedAuthAt: new Date() },
    });
    throw authRequired();
  }
  if (!user.enabled) throw authRequired();
  if (user.failedAuthCount > 0) await db().identityUser.update({ where: { id: user.id }, data: { failedAuthCount: 0, failedAuthAt: null } });
  return user.id;
}

async function projectFromScope(scope: unknown, userId: string): Promise<string | null> {
  if (scope === 'unscoped') return null;
  if (scope === undefined || scope === null) {
    // Keystone scopes to the user's default project when it can.
    const user = await db().identityUser.findUniqueOrThrow({ where: { id: userId } });
    if (!user.defaultProjectId) return null;
    const has = await db().identityRoleAssignment.count({ where: { userId, projectId: user.defaultProjectId } });
    return has > 0 ? user.defaultProjectId : null;
  }
  const s = obj(scope, 'scope');
  if (s.project === undefined) {
    throw new KeystoneError(401, 'Only project-scoped and unscoped tokens are supported by this identity service.');
  }
  const p = obj(s.project, 'scope/project');
  const id = optionalString(p.id);
  let project;
  if (id) {
    project = await db().identityProject.findUnique({ where: { id } });
  } else {
    const name = optionalString(p.name);
    if (!name) throw badRequest("Invalid input for field 'scope/project': either 'id' or 'name' is required.");
    const domainId = await findDomainId(p.domain);
    project = domainId ? await db().identityProject.findUnique({ where: { domainId_name: { domainId, name } } }) : null;
  }
  if (!project || !project.enabled) throw new KeystoneError(401, `Could not find project: ${id ?? optionalString(p.name)}.`);
  const has = await db().identityRoleAssignment.count({ where: { userId, projectId: project.id } });
  if (has === 0) throw new KeystoneError(401, `User ${userId} has no access to project ${project.id}.`);
  return project.id;
}

/** Authenticate a POST /v3/auth/tokens body; returns the new token string. */
export async function authenticate(body: unknown): Promise<string> {
  const auth = obj(obj(body, 'body').auth, 'auth');
  const identity = obj(auth.identity, 'auth/identity');
  const methods = identity.methods;
  if (!Array.isArray(methods) || methods.length === 0 || !methods.every((m) => typeof m === 'string')) {
    throw badRequest("Invalid input for field 'identity/methods': a non-empty list of strings is required.");
  }
  if (methods.includes('password')) {
    const userId = await passwordUser(obj(identity.password, 'identity/password'));
    const projectId = await projectFromScope(auth.scope, userId);
    return (await issueToken({ userId, projectId, methods: ['password'] })).token;
  }
  if (methods.includes('token')) {
    const tokenRef = obj(identity.token, 'identity/token');
    const parent = await validateToken(optionalString(tokenRef.id));
    if (!parent) throw authRequired();
    const projectId = await projectFromScope(auth.scope, parent.user.id);
    const chain = [...new Set([...parent.methods, 'token'])];
    return (await issueToken({ userId: parent.user.id, projectId, methods: chain, parent: parent.record })).token;
  }
  throw new KeystoneError(401, `Attempted to authenticate with an unsupported method.`);
}
