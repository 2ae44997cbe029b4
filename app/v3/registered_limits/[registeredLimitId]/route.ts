// GET (any valid token), PATCH and DELETE (admin) /v3/registered_limits/{id}.
import { requireAdmin } from '@/lib/identity/directory';
import { identityRoute, keystoneJson, keystoneNoContent, readJsonBody } from '@/http/identity-route';
import { deleteRegisteredLimit, getRegisteredLimit, registeredLimitView, updateRegisteredLimit } from '@/lib/identity/limits';

export const dynamic = 'force-dynamic';
type P = { registeredLimitId: string };

export const GET = identityRoute<P>(async ({ params, caller, v3 }) => {
  await caller();
  return keystoneJson({ registered_limit: registeredLimitView(await getRegisteredLimit(params.registeredLimitId), v3) });
});

export const PATCH = identityRoute<P>(async ({ req, params, caller, base, v3 }) => {
  requireAdmin(await caller(), 'update_registered_limit');
  const r = await updateRegisteredLimit(params.registeredLimitId, await readJsonBody(req), base);
  return keystoneJson({ registered_limit: registeredLimitView(r, v3) });
});

export const DELETE = identityRoute<P>(async ({ params, caller }) => {
  requireAdmin(await caller(), 'delete_registered_limit');
  await deleteRegisteredLimit(params.registeredLimitId);
  return keystoneNoContent();
});
