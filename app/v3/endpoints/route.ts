// GET /v3/endpoints (?interface=, ?service_id=, ?region_id=) and POST
// /v3/endpoints (`openstack endpoint create --region RegionTwo image public URL`), admin only.
import { requireAdmin } from '@/lib/identity/directory';
import { identityRoute, keystoneJson, readJsonBody } from '@/http/identity-route';
import { createEndpoint, endpointView, endpoints, serviceId } from '@/lib/identity/catalog';
import { collection } from '@/lib/identity/views';

export const dynamic = 'force-dynamic';

export const GET = identityRoute(async ({ req, caller, base, v3 }) => {
  requireAdmin(await caller(), 'list_endpoints');
  const q = req.nextUrl.searchParams;
  const rows = (await endpoints(base)).filter(
    (e) =>
      (!q.get('interface') || e.interface === q.get('interface')) &&
      (!q.get('service_id') || serviceId(e.serviceType) === q.get('service_id')) &&
      (!q.get('region_id') || e.regionId === q.get('region_id')),
  );
  return keystoneJson(collection('endpoints', rows.map((e) => endpointView(e, v3)), `${v3}/endpoints`));
});

export const POST = identityRoute(async ({ req, caller, v3 }) => {
  requireAdmin(await caller(), 'create_endpoint');
  const e = await createEndpoint(await readJsonBody(req));
  return keystoneJson({ endpoint: endpointView(e, v3) }, 201);
});
