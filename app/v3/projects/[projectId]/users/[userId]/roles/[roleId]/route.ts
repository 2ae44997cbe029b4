// PUT (grant), HEAD (check), DELETE (revoke) a role of a user on a project.
import { checkGrant, grantRole, revokeGrant } from '@/lib/identity/directory';
import { identityRoute, keystoneNoContent } from '@/http/identity-route';

export const dynamic = 'force-dynamic';

type Params = { projectId: string; userId: string; roleId: string };

export const PUT = identityRoute<Params>(async ({ params, caller }) => {
  await grantRole(await caller(), params.projectId, params.userId, params.roleId);
  return keystoneNoContent();
});

export const HEAD = identityRoute<Params>(async ({ params, caller }) => {
  await checkGrant(await caller(), params.projectId, params.userId, params.roleId);
  return keystoneNoContent();
});

export const DELETE = identityRoute<Params>(async ({ params, caller }) => {
  await revokeGrant(await caller(), params.projectId, params.userId, params.roleId);
  return keystoneNoContent();
});
