// GET /v3/limits (admins: all; others: their project's, as Keystone) and POST
// (admin): `openstack limit list|create`.
import { requireAdmin } from '@/lib/identity/directory';
import { identityRoute, keystoneJson, readJsonBody } from '@/http/identity-route';
import { createLimits, limitView, listLimits } from '@/lib/identity/limits';
import { collection } from '@/lib/identity/views';

export const dynamic = 'force-dynamic';

export const GET = identityRoute(async ({ req, caller, v3 }) => {
  const rows = await listLimits(await caller(), req.nextUrl.searchParams);
  return keystoneJson(collection('limits', rows.map((l) => limitView(l, v3)), `${v3}/limits`));
});

export const POST = identityRoute(async ({ req, caller, base, v3 }) => {
  requireAdmin(await caller(), 'create_limits');
  const rows = await createLimits(await readJsonBody(req), base);
  return keystoneJson({ limits: rows.map((l) => limitView(l, v3)) }, 201);
});
