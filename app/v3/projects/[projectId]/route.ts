// GET, PATCH, DELETE /v3/projects/{id}.
import { deleteProject, getProject, updateProject } from '@/lib/identity/directory';
import { identityRoute, keystoneJson, keystoneNoContent, readJsonBody } from '@/http/identity-route';
import { projectView } from '@/lib/identity/views';

export const dynamic = 'force-dynamic';

type Params = { projectId: string };

export const GET = identityRoute<Params>(async ({ params, caller, v3 }) =>
  keystoneJson({ project: projectView(await getProject(await caller(), params.projectId), v3) }),
);

export const PATCH = identityRoute<Params>(async ({ req, params, caller, v3 }) =>
  keystoneJson({ project: projectView(await updateProject(await caller(), params.projectId, await readJsonBody(req)), v3) }),
);

export const DELETE = identityRoute<Params>(async ({ params, caller }) => {
  await deleteProject(await caller(), params.projectId);
  return keystoneNoContent();
});
