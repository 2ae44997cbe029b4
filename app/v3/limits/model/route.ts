// GET /v3/limits/model: Keystone's enforcement model; this service's is flat.
import { identityRoute, keystoneJson } from '@/http/identity-route';

export const dynamic = 'force-dynamic';

export const GET = identityRoute(async ({ caller }) => {
  await caller();
  return keystoneJson({
    model: { name: 'flat', description: 'Limit enforcement and validation does not take project hierarchy into consideration.' },
  });
});
