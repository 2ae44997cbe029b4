// GET, PATCH, DELETE /v3/users/{id}.
import { deleteUser, getUser, updateUser } from '@/lib/identity/directory';
import { identityRoute, keystoneJson, keystoneNoContent, readJsonBody } from '@/http/identity-route';
import { userView } from '@/lib/identity/views';

export const dynamic = 'force-dynamic';

type Params = { userId: string };

export const GET = identityRoute<Params>(async ({ params, caller, v3 }) =>
  keystoneJson({ user: userView(await getUser(await caller(), params.userId), v3) }),
);

export const PATCH = identityRoute<Params>(async ({ req, params, caller, v3 }) =>
  keystoneJson({ user: userView(await updateUser(await caller(), params.userId, await readJsonBody(req)), v3) }),
);

export const DELETE = identityRoute<Params>(async ({ params, caller }) => {
  await deleteUser(await caller(), params.userId);
  return keystoneNoContent();
});
