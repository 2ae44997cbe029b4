// GET /v3/services/{id} (admin).
import { requireAdmin } from '@/lib/identity/directory';
import { notFound } from '@/lib/identity/errors';
import { identityRoute, keystoneJson } from '@/http/identity-route';
import { serviceView, services } from '@/lib/identity/catalog';

export const dynamic = 'force-dynamic';

export const GET = identityRoute<{ serviceId: string }>(async ({ params, caller, v3 }) => {
  requireAdmin(await caller(), 'get_service');
  const s = services().find((x) => x.id === params.serviceId);
  if (!s) throw notFound('service', params.serviceId);
  return keystoneJson({ service: serviceView(s, v3) });
});
