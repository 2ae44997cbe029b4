// GET /v3/roles (?name=).
import { listRoles } from '@/lib/identity/directory';
import { identityRoute, keystoneJson } from '@/http/identity-route';
import { collection, roleView } from '@/lib/identity/views';

export const dynamic = 'force-dynamic';

export const GET = identityRoute(async ({ req, caller, v3 }) => {
  const rows = await listRoles(await caller(), req.nextUrl.searchParams);
  return keystoneJson(collection('roles', rows.map((r) => roleView(r, v3)), `${v3}/roles`));
});
