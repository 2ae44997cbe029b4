// GET /v3/auth/projects: the projects the token's user may scope to.
import { projectsOfUser } from '@/lib/identity/directory';
import { identityRoute, keystoneJson } from '@/http/identity-route';
import { collection, projectView } from '@/lib/identity/views';

export const dynamic = 'force-dynamic';

export const GET = identityRoute(async ({ caller, v3 }) => {
  const me = await caller();
  const projects = await projectsOfUser(me.user.id);
  return keystoneJson(collection('projects', projects.map((p) => projectView(p, v3)), `${v3}/auth/projects`));
});
