// POST /v3/auth/tokens: the password and token methods, project scope by id
// or by name + domain, and unscoped tokens. Passwords are checked (with the
// lockout and per-source throttling) in password-check.ts.
import { db } from '@/lib/db/client';
import { authRequired, badRequest, KeystoneError } from './errors';
import { checkUserPassword } from './password-check';
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

/** The password method: the user id, or the generic 401 (lib/identity/password-check.ts). */
async function passwordUser(password: Obj, source: string | null): Promise<string> {
  const userRef = obj(password.user, 'identity/password/user');
  const secret = userRef.password;
  if (typeof secret !== 'string') throw badRequest("Invalid input for field 'identity/password/user/password': a string is required.");
  const user = await checkUserPassword(await findUser(userRef), secret, source);
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

/**
 * Authenticate a POST /v3/auth/tokens body; returns the new token string.
 * `source`: the client's address (socket peer), for per-source throttling.
 */
export async function authenticate(body: unknown, source: string | null = null): Promise<string> {
  const auth = obj(obj(body, 'body').auth, 'auth');
  const identity = obj(auth.identity, 'auth/identity');
  const methods = identity.methods;
  if (!Array.isArray(methods) || methods.length === 0 || !methods.every((m) => typeof m === 'string')) {
    throw badRequest("Invalid input for field 'identity/methods': a non-empty list of strings is required.");
  }
  if (methods.includes('password')) {
    const userId = await passwordUser(obj(identity.password, 'identity/password'), source);
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
