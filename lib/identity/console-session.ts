// Console sign-in sessions, kept server-side. Signing in obtains a token from
// the same identity service the API uses (ours, or the delegated Keystone);
// the browser gets only a random session id (inside next-auth's encrypted
// cookie); signing out revokes the token.
import { createHash, randomBytes } from 'node:crypto';
import { contextFromRemoteToken, contextFromToken, type RequestContext } from '@/lib/auth/context';
import { getConfig } from '@/lib/config';
import { db } from '@/lib/db/client';
import { authenticate } from './authenticate';
import { remotePasswordToken, revokeRemoteToken, validateRemoteToken } from './delegated';
import { KeystoneError } from './errors';
import { hashToken, revokeToken, validateToken, validateTokenHash } from './tokens';

export interface SignInInput {
  username: string;
  password: string;
  project: string;
  domain: string;
}

export interface ConsoleSignIn {
  sessionId: string;
  userName: string;
  projectName: string | null;
}

function sessionKey(sessionId: string): string {
  return createHash('sha256').update(sessionId).digest('hex');
}

function authBody(input: SignInInput) {
  const domain = { name: input.domain || 'Default' };
  return {
    auth: {
      identity: { methods: ['password'], password: { user: { name: input.username, domain, password: input.password } } },
      scope: { project: { name: input.project, domain } },
    },
  };
}

/**
 * Sign in with a password; null when the identity service refuses the
 * credentials. `source`: the client's address, for per-source throttling
 * (a throttled address gets the 429 thrown, so the form can say so).
 */
export async function signInWithPassword(input: SignInInput, source: string | null = null): Promise<ConsoleSignIn | null> {
  if (!input.username || !input.password || !input.project) return null;
  const conf = getConfig().keystoneAuthtoken;
  const sessionId = randomBytes(32).toString('base64url');
  const now = new Date();
  if (conf) {
    const token = await remotePasswordToken(conf, authBody(input));
    const remote = token ? await validateRemoteToken(conf, token) : null;
    if (!token || !remote) return null;
    await db().consoleSession.create({
      data: { id: sessionKey(sessionId), remoteToken: token, userName: remote.userName, projectName: remote.projectName, createdAt: now, expiresAt: new Date(remote.expiresAt) },
    });
    return { sessionId, userName: remote.userName, projectName: remote.projectName };
  }
  let token: string;
  try {
    token = await authenticate(authBody(input), source);
  } catch (err) {
    if (err instanceof KeystoneError && (err.status === 401 || err.status === 400)) return null;
    throw err;
  }
  const valid = await validateToken(token);
  if (!valid) return null;
  await db().consoleSession.create({
    data: { id: sessionKey(sessionId), tokenHash: hashToken(token), userName: valid.user.name, projectName: valid.project?.name ?? null, createdAt: now, expiresAt: valid.expiresAt },
  });
  return { sessionId, userName: valid.user.name, projectName: valid.project?.name ?? null };
}

/** The request context of a signed-in console session, or null (signed out, expired, revoked). */
export async function consoleSessionContext(sessionId: string, requestId: string): Promise<RequestContext | null> {
  const row = await db().consoleSession.findUnique({ where: { id: sessionKey(sessionId) } });
  if (!row || row.expiresAt.getTime() <= Date.now()) return null;
  const conf = getConfig().keystoneAuthtoken;
  if (conf && row.remoteToken) {
    const remote = await validateRemoteToken(conf, row.remoteToken);
    return remote ? contextFromRemoteToken(remote, requestId) : null;
  }
  if (!row.tokenHash) return null;
  const valid = await validateTokenHash(row.tokenHash);
  return valid ? contextFromToken(valid, requestId) : null;
}

/** Sign out: revoke the session's token and forget the session. */
export async function endConsoleSession(sessionId: string): Promise<void> {
  const row = await db().consoleSession.findUnique({ where: { id: sessionKey(sessionId) } });
  if (!row) return;
  const conf = getConfig().keystoneAuthtoken;
  if (conf && row.remoteToken) await revokeRemoteToken(conf, row.remoteToken).catch(() => {});
  if (row.tokenHash) {
    const valid = await validateTokenHash(row.tokenHash);
    if (valid) await revokeToken(valid.record);
  }
  await db().consoleSession.delete({ where: { id: row.id } });
}
