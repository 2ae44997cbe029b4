// GET /v3/services (?type=, ?name=): the fixed image and identity services (admin).
import { requireAdmin } from '@/lib/identity/directory';
import { identityRoute, keystoneJson } from '@/http/identity-route';
import { serviceView, services } from '@/lib/identity/catalog';
import { collection } from '@/lib/identity/views';

export const dynamic = 'force-dynamic';

export const GET = identityRoute(async ({ req, caller, v3 }) => {
  requireAdmin(await caller(), 'list_services');
  const q = req.nextUrl.searchParams;
  const rows = services().filter((s) => (!q.get('type') || s.type === q.get('type')) && (!q.get('name') || s.name === q.get('name')));
  return keystoneJson(collection('services', rows.map((s) => serviceView(s, v3)), `${v3}/services`));
});
