// GET /v3/projects (?name=, ?domain_id=) and POST /v3/projects.
import { createProject, listProjects } from '@/lib/identity/directory';
import { identityRoute, keystoneJson, readJsonBody } from '@/http/identity-route';
import { collection, projectView } from '@/lib/identity/views';

export const dynamic = 'force-dynamic';

export const GET = identityRoute(async ({ req, caller, v3 }) => {
  const rows = await listProjects(await caller(), req.nextUrl.searchParams);
  return keystoneJson(collection('projects', rows.map((p) => projectView(p, v3)), `${v3}/projects`));
});

export const POST = identityRoute(async ({ req, caller, v3 }) => {
  const p = await createProject(await caller(), await readJsonBody(req));
  return keystoneJson({ project: projectView(p, v3) }, 201);
});
