// GET /v3/projects/{p}/users/{u}/roles: the roles the user has on the project.
import { rolesOnProject } from '@/lib/identity/directory';
import { identityRoute, keystoneJson } from '@/http/identity-route';
import { collection, roleView } from '@/lib/identity/views';

export const dynamic = 'force-dynamic';

type Params = { projectId: string; userId: string };

export const GET = identityRoute<Params>(async ({ params, caller, v3 }) => {
  const roles = await rolesOnProject(await caller(), params.projectId, params.userId);
  return keystoneJson(collection('roles', roles.map((r) => roleView(r, v3)), `${v3}/projects/${params.projectId}/users/${params.userId}/roles`));
});
