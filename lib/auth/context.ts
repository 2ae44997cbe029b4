// The request context: who is asking, for which project, with which roles.
// Built in one place from the configured auth flavor; handlers and domain
// services only ever see a RequestContext.
import { getConfig, type GlanceConfig } from '@/lib/config';
import { GlanceError, ServiceUnavailable, Unauthorized } from '@/lib/errors';
import { validateRemoteToken, type RemoteToken } from '@/lib/identity/delegated';
import { validateToken, type ValidToken } from '@/lib/identity/tokens';
import { contextIsAdmin } from '@/lib/policy';

export interface RequestContext {
  requestId: string;
  userId: string | null;
  projectId: string | null;
  roles: string[];
  isAdmin: boolean;
  userName?: string | null;
  projectName?: string | null;
  /** The caller's token (keystone flavor, or sent with trusted headers): glance-download forwards it to another region. */
  authToken?: string | null;
  /** keystonemiddleware's X-Service-Catalog (trusted-headers flavor), as sent. */
  serviceCatalog?: string | null;
  /** This server's base URL as the caller reached it (the embedded catalog's own endpoints). */
  baseUrl?: string;
}

type HeaderSource = { get(name: string): string | null };

function splitRoles(raw: string | null): string[] {
  return (raw ?? '').split(',').map((r) => r.trim()).filter(Boolean);
}

/** keystonemiddleware's rejection: JSON body and where to get a token. */
export class TokenRequired extends GlanceError {
  constructor(wwwAuthenticateUri: string) {
    super(401, 'The request you have made requires authentication.', '', { 'WWW-Authenticate': `Keystone uri="${wwwAuthenticateUri}"` });
  }

  toResponse(): Response {
    const body = JSON.stringify({ error: { code: 401, title: 'Unauthorized', message: this.message } });
    return new Response(body, {
      status: 401,
      headers: { ...this.headers, 'Content-Type': 'application/json; charset=UTF-8' },
    });
  }
}

/** Where a client without a valid token is sent: ours, or the delegated Keystone's. */
export function wwwAuthenticateUri(baseUrl: string, config: GlanceConfig = getConfig()): string {
  return config.keystoneAuthtoken?.wwwAuthenticateUri ?? `${baseUrl}/v3`;
}

/** The context a token of our own identity service grants. */
export function contextFromToken(valid: ValidToken, requestId: string): RequestContext {
  const roles = valid.roles.map((r) => r.name);
  return {
    requestId,
    userId: valid.user.id,
    projectId: valid.project?.id ?? null,
    roles,
    isAdmin: contextIsAdmin(roles, valid.project?.id ?? null, valid.user.id),
    userName: valid.user.name,
    projectName: valid.project?.name ?? null,
  };
}

/** The context a token of the delegated Keystone grants. */
export function contextFromRemoteToken(remote: RemoteToken, requestId: string): RequestContext {
  return {
    requestId,
    userId: remote.userId,
    projectId: remote.projectId,
    roles: remote.roles,
    isAdmin: contextIsAdmin(remote.roles, remote.projectId, remote.userId),
    userName: remote.userName,
    projectName: remote.projectName,
  };
}

export function noauthContext(requestId: string, config: GlanceConfig = getConfig()): RequestContext {
  // Glance's noauth: every request is an admin of one default project. Only an
  // explicit `flavor = noauth` gets here, and start-up warns about it.
  return { requestId, userId: null, projectId: config.noauthProjectId, roles: ['admin'], isAdmin: true };
}

export async function contextFromHeaders(
  headers: HeaderSource,
  requestId: string,
  baseUrl: string,
  config: GlanceConfig = getConfig(),
): Promise<RequestContext> {
  switch (config.authFlavor) {
    case 'noauth':
      return noauthContext(requestId, config);
    case 'trusted-headers': {
      // Identity asserted by a trusted front end (keystonemiddleware's headers).
      if (headers.get('x-identity-status') !== 'Confirmed') throw new Unauthorized();
      const roles = splitRoles(headers.get('x-roles'));
      const userId = headers.get('x-user-id');
      const projectId = headers.get('x-project-id') ?? headers.get('x-tenant-id');
      const authToken = headers.get('x-auth-token');
      const serviceCatalog = headers.get('x-service-catalog');
      return { requestId, userId, projectId, roles, isAdmin: contextIsAdmin(roles, projectId, userId), authToken, serviceCatalog, baseUrl };
    }
    case 'keystone': {
      const token = headers.get('x-auth-token') ?? headers.get('x-storage-token');
      const reject = new TokenRequired(wwwAuthenticateUri(baseUrl, config));
      if (!token) throw reject;
      if (config.keystoneAuthtoken) {
        let remote;
        try {
          remote = await validateRemoteToken(config.keystoneAuthtoken, token);
        } catch {
          throw new ServiceUnavailable('The identity service could not be reached to validate the token.');
        }
        if (!remote) throw reject;
        return { ...contextFromRemoteToken(remote, requestId), authToken: token, baseUrl };
      }
      const valid = await validateToken(token);
      if (!valid) throw reject;
      return { ...contextFromToken(valid, requestId), authToken: token, baseUrl };
    }
  }
}
