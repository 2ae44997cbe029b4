// GET /v3/regions: this service's region and those of registered endpoints
// (the CLI looks a region up before `limit create --region`).
import { identityRoute, keystoneJson } from '@/http/identity-route';
import { regions } from '@/lib/identity/limits';
import { collection } from '@/lib/identity/views';

export const dynamic = 'force-dynamic';

const regionView = (id: string, v3: string) => ({ id, description: '', parent_region_id: null, links: { self: `${v3}/regions/${id}` } });

export const GET = identityRoute(async ({ caller, base, v3 }) => {
  await caller();
  return keystoneJson(collection('regions', (await regions(base)).map((r) => regionView(r, v3)), `${v3}/regions`));
});
