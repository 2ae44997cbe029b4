// GET /v3/domains/{id}.
import { getDomain } from '@/lib/identity/directory';
import { identityRoute, keystoneJson } from '@/http/identity-route';
import { domainView } from '@/lib/identity/views';

export const dynamic = 'force-dynamic';

export const GET = identityRoute<{ domainId: string }>(async ({ params, caller, v3 }) =>
  keystoneJson({ domain: domainView(await getDomain(await caller(), params.domainId), v3) }),
);
