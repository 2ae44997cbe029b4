// GET /v3/auth/catalog: the service catalog of a project-scoped token.
import { KeystoneError } from '@/lib/identity/errors';
import { identityRoute, keystoneJson } from '@/http/identity-route';
import { catalog } from '@/lib/identity/catalog';

export const dynamic = 'force-dynamic';

export const GET = identityRoute(async ({ caller, base, v3 }) => {
  const me = await caller();
  if (!me.project) throw new KeystoneError(403, 'A project-scoped token is required to produce a service catalog.');
  return keystoneJson({ catalog: await catalog(base), links: { self: `${v3}/auth/catalog`, previous: null, next: null } });
});
