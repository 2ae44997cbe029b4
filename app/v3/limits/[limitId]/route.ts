// GET (admin or the limit's project), PATCH and DELETE (admin) /v3/limits/{id}.
import { requireAdmin } from '@/lib/identity/directory';
import { identityRoute, keystoneJson, keystoneNoContent, readJsonBody } from '@/http/identity-route';
import { deleteLimit, getLimit, limitView, updateLimit } from '@/lib/identity/limits';

export const dynamic = 'force-dynamic';
type P = { limitId: string };

export const GET = identityRoute<P>(async ({ params, caller, v3 }) => {
  return keystoneJson({ limit: limitView(await getLimit(await caller(), params.limitId), v3) });
});

export const PATCH = identityRoute<P>(async ({ req, params, caller, v3 }) => {
  requireAdmin(await caller(), 'update_limit');
  return keystoneJson({ limit: limitView(await updateLimit(params.limitId, await readJsonBody(req)), v3) });
});

export const DELETE = identityRoute<P>(async ({ params, caller }) => {
  requireAdmin(await caller(), 'delete_limit');
  await deleteLimit(params.limitId);
  return keystoneNoContent();
});
