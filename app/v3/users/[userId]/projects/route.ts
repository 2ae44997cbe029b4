// GET /v3/users/{id}/projects: the projects a user has roles on (admin or the user itself).
import { getUser, projectsOfUser } from '@/lib/identity/directory';
import { identityRoute, keystoneJson } from '@/http/identity-route';
import { collection, projectView } from '@/lib/identity/views';

export const dynamic = 'force-dynamic';

type Params = { userId: string };

export const GET = identityRoute<Params>(async ({ params, caller, v3 }) => {
  const user = await getUser(await caller(), params.userId);
  const projects = await projectsOfUser(user.id);
  return keystoneJson(collection('projects', projects.map((p) => projectView(p, v3)), `${v3}/users/${user.id}/projects`));
});
