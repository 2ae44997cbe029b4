// GET /v3/roles/{id}.
import { getRole } from '@/lib/identity/directory';
import { identityRoute, keystoneJson } from '@/http/identity-route';
import { roleView } from '@/lib/identity/views';

export const dynamic = 'force-dynamic';

export const GET = identityRoute<{ roleId: string }>(async ({ params, caller, v3 }) =>
  keystoneJson({ role: roleView(await getRole(await caller(), params.roleId), v3) }),
);
