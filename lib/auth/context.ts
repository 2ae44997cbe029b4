// The request context: who is asking, for which project, with which roles.
// Built in one place from the configured auth flavor; handlers and domain
// services only ever see a RequestContext.
import { getConfig, type GlanceConfig } from '@/lib/config';
import { Unauthorized } from '@/lib/errors';

export interface RequestContext {
  requestId: string;
  userId: string | null;
  projectId: string | null;
  roles: string[];
  isAdmin: boolean;
}

type HeaderSource = { get(name: string): string | null };

function splitRoles(raw: string | null): string[] {
  return (raw ?? '').split(',').map((r) => r.trim()).filter(Boolean);
}

export function contextFromHeaders(headers: HeaderSource, requestId: string, config: GlanceConfig = getConfig()): RequestContext {
  switch (config.authFlavor) {
    case 'noauth':
      // Glance's noauth: every request is an admin of one default project.
      return { requestId, userId: null, projectId: config.noauthProjectId, roles: ['admin'], isAdmin: true };
    case 'trusted-headers': {
      // Identity asserted by a trusted front end (keystonemiddleware's headers).
      if (headers.get('x-identity-status') !== 'Confirmed') throw new Unauthorized();
      const roles = splitRoles(headers.get('x-roles'));
      return {
        requestId,
        userId: headers.get('x-user-id'),
        projectId: headers.get('x-project-id') ?? headers.get('x-tenant-id'),
        roles,
        isAdmin: roles.includes('admin'),
      };
    }
    case 'keystone':
      throw new Unauthorized();
  }
}
