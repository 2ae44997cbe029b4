// GET /v3/registered_limits (any valid token, as Keystone) and POST (admin):
// `openstack registered limit list|create`.
import { requireAdmin } from '@/lib/identity/directory';
import { identityRoute, keystoneJson, readJsonBody } from '@/http/identity-route';
import { createRegisteredLimits, listRegisteredLimits, registeredLimitView } from '@/lib/identity/limits';
import { collection } from '@/lib/identity/views';

export const dynamic = 'force-dynamic';

export const GET = identityRoute(async ({ req, caller, v3 }) => {
  await caller();
  const rows = await listRegisteredLimits(req.nextUrl.searchParams);
  return keystoneJson(collection('registered_limits', rows.map((r) => registeredLimitView(r, v3)), `${v3}/registered_limits`));
});

export const POST = identityRoute(async ({ req, caller, base, v3 }) => {
  requireAdmin(await caller(), 'create_registered_limits');
  const rows = await createRegisteredLimits(await readJsonBody(req), base);
  return keystoneJson({ registered_limits: rows.map((r) => registeredLimitView(r, v3)) }, 201);
});
