// GET /v3/regions/{id}.
import { identityRoute, keystoneJson } from '@/http/identity-route';
import { KeystoneError } from '@/lib/identity/errors';
import { regions } from '@/lib/identity/limits';

export const dynamic = 'force-dynamic';

export const GET = identityRoute<{ regionId: string }>(async ({ params, caller, base, v3 }) => {
  await caller();
  if (!(await regions(base)).includes(params.regionId)) throw new KeystoneError(404, `Could not find region: ${params.regionId}.`);
  const id = params.regionId;
  return keystoneJson({ region: { id, description: '', parent_region_id: null, links: { self: `${v3}/regions/${id}` } } });
});
