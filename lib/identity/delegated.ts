// Delegated mode ([keystone_authtoken] auth_url set): user tokens are validated
// by the cloud's own Keystone, as keystonemiddleware does, with a short cache.
import { createHash } from 'node:crypto';
import type { KeystoneAuthtokenConfig } from '@/lib/config';
import { logger } from '@/lib/log';

export interface RemoteToken {
  userId: string;
  userName: string;
  projectId: string | null;
  projectName: string | null;
  roles: string[];
  expiresAt: number;
}

const cache = new Map<string, { token: RemoteToken | null; until: number }>();
const MAX_CACHE = 10_000;
let serviceToken: { value: string; expiresAt: number } | null = null;
let systemToken: { value: string; expiresAt: number } | null = null;

function v3(authUrl: string): string {
  return /\/v3$/.test(authUrl) ? authUrl : `${authUrl}/v3`;
}

async function getServiceToken(conf: KeystoneAuthtokenConfig, force = false): Promise<string> {
  if (!force && serviceToken && serviceToken.expiresAt - 60_000 > Date.now()) return serviceToken.value;
  serviceToken = await issueServiceToken(conf, { project: { name: conf.projectName, domain: { name: conf.projectDomainName } } });
  return serviceToken.value;
}

/** A system-scoped token of the service user (oslo.limit reads every project's limits with one). */
async function getSystemToken(conf: KeystoneAuthtokenConfig, force = false): Promise<string> {
  if (!force && systemToken && systemToken.expiresAt - 60_000 > Date.now()) return systemToken.value;
  systemToken = await issueServiceToken(conf, { system: { all: true } });
  return systemToken.value;
}

async function issueServiceToken(conf: KeystoneAuthtokenConfig, scope: object): Promise<{ value: string; expiresAt: number }> {
  const res = await fetch(`${v3(conf.authUrl)}/auth/tokens?nocatalog`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      auth: {
        identity: { methods: ['password'], password: { user: { name: conf.username, password: conf.password, domain: { name: conf.userDomainName } } } },
        scope,
      },
    }),
  });
  const value = res.headers.get('x-subject-token');
  const body = (await res.json().catch(() => null)) as { token?: { expires_at?: string } } | null;
  if (res.status !== 201 || !value) throw new Error(`service authentication against ${conf.authUrl} failed with HTTP ${res.status}`);
  return { value, expiresAt: Date.parse(body?.token?.expires_at ?? '') || Date.now() + 3_600_000 };
}

async function fetchValidation(conf: KeystoneAuthtokenConfig, token: string): Promise<RemoteToken | null> {
  for (const retry of [false, true]) {
    const res = await fetch(`${v3(conf.authUrl)}/auth/tokens?nocatalog`, {
      headers: { 'X-Auth-Token': await getServiceToken(conf, retry), 'X-Subject-Token': token, Accept: 'application/json' },
    });
    if (res.status === 401 && !retry) continue; // our service token expired early: get a new one
    if (res.status === 404 || res.status === 401) return null;
    if (res.status !== 200) throw new Error(`token validation against ${conf.authUrl} failed with HTTP ${res.status}`);
    const { token: t } = (await res.json()) as {
      token: { user: { id: string; name: string }; project?: { id: string; name: string }; roles?: { name: string }[]; expires_at: string };
    };
    return {
      userId: t.user.id,
      userName: t.user.name,
      projectId: t.project?.id ?? null,
      projectName: t.project?.name ?? null,
      roles: (t.roles ?? []).map((r) => r.name),
      expiresAt: Date.parse(t.expires_at),
    };
  }
  return null;
}

/** The token's identity per the remote Keystone, or null when it is not valid. */
export async function validateRemoteToken(conf: KeystoneAuthtokenConfig, token: string): Promise<RemoteToken | null> {
  const key = createHash('sha256').update(token).digest('hex');
  const hit = cache.get(key);
  const now = Date.now();
  if (hit && hit.until > now) return hit.token;
  let result: RemoteToken | null;
  try {
    result = await fetchValidation(conf, token);
  } catch (err) {
    logger.error({ err }, 'identity service unreachable for token validation');
    throw err;
  }
  if (cache.size >= MAX_CACHE) cache.clear();
  const until = Math.min(now + conf.tokenCacheTime * 1000, result ? result.expiresAt : now + conf.tokenCacheTime * 1000);
  cache.set(key, { token: result, until });
  return result;
}

/** Password sign-in at the delegated Keystone (the console's login): the token string, or null on 401. */
export async function remotePasswordToken(conf: KeystoneAuthtokenConfig, body: unknown): Promise<string | null> {
  const res = await fetch(`${v3(conf.authUrl)}/auth/tokens?nocatalog`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  await res.arrayBuffer();
  if (res.status === 401 || res.status === 400 || res.status === 404) return null;
  const token = res.headers.get('x-subject-token');
  if (res.status !== 201 || !token) throw new Error(`sign-in at ${conf.authUrl} failed with HTTP ${res.status}`);
  return token;
}

/** Revoke a token at the delegated Keystone (a user may revoke its own token). */
export async function revokeRemoteToken(conf: KeystoneAuthtokenConfig, token: string): Promise<void> {
  const res = await fetch(`${v3(conf.authUrl)}/auth/tokens`, { method: 'DELETE', headers: { 'X-Auth-Token': token, 'X-Subject-Token': token } });
  await res.arrayBuffer();
  cache.delete(createHash('sha256').update(token).digest('hex'));
}

/**
 * A GET at the delegated Keystone as the service user, system-scoped (as
 * oslo.limit: a project-scoped token lists only its own project's limits): the JSON.
 */
export async function serviceGet(conf: KeystoneAuthtokenConfig, pathAndQuery: string): Promise<unknown> {
  for (const retry of [false, true]) {
    const res = await fetch(`${v3(conf.authUrl)}${pathAndQuery}`, { headers: { 'X-Auth-Token': await getSystemToken(conf, retry), Accept: 'application/json' } });
    if (res.status === 401 && !retry) {
      await res.arrayBuffer();
      continue;
    }
    if (res.status !== 200) throw new Error(`GET ${pathAndQuery} at ${conf.authUrl} failed with HTTP ${res.status}`);
    return res.json();
  }
  throw new Error('unreachable');
}
