// GET, PATCH, DELETE /v3/projects/{id}.
import { deleteProject, getProject, updateProject } from '@/lib/identity/directory';
import { identityRoute, keystoneJson, keystoneNoContent, readJsonBody } from '@/http/identity-route';
import { projectView } from '@/lib/identity/views';

export const dynamic = 'force-dynamic';

type P = { projectId: string };

export const GET = identityRoute<P>(async ({ params, caller, v3 }) =>
  keystoneJson({ project: projectView(await getProject(await caller(), params.projectId), v3) }),
);

export const PATCH = identityRoute<P>(async ({ req, params, caller, v3 }) =>
  keystoneJson({ project: projectView(await updateProject(await caller(), params.projectId, await readJsonBody(req)), v3) }),
);

export const DELETE = identityRoute<P>(async ({ params, caller }) => {
  await deleteProject(await caller(), params.projectId);
  return keystoneNoContent();
});
