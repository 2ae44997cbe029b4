// GET and DELETE /v3/endpoints/{id} (admin; only registered endpoints can be deleted).
import { requireAdmin } from '@/lib/identity/directory';
import { notFound } from '@/lib/identity/errors';
import { identityRoute, keystoneJson, keystoneNoContent } from '@/http/identity-route';
import { deleteEndpoint, endpointView, endpoints } from '@/lib/identity/catalog';

export const dynamic = 'force-dynamic';

export const GET = identityRoute<{ endpointId: string }>(async ({ params, caller, base, v3 }) => {
  requireAdmin(await caller(), 'get_endpoint');
  const e = (await endpoints(base)).find((x) => x.id === params.endpointId);
  if (!e) throw notFound('endpoint', params.endpointId);
  return keystoneJson({ endpoint: endpointView(e, v3) });
});

export const DELETE = identityRoute<{ endpointId: string }>(async ({ params, caller }) => {
  requireAdmin(await caller(), 'delete_endpoint');
  await deleteEndpoint(params.endpointId);
  return keystoneNoContent();
});
