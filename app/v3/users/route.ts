// GET /v3/users (?name=, ?domain_id=) and POST /v3/users.
import { createUser, listUsers } from '@/lib/identity/directory';
import { identityRoute, keystoneJson, readJsonBody } from '@/http/identity-route';
import { collection, userView } from '@/lib/identity/views';

export const dynamic = 'force-dynamic';

export const GET = identityRoute(async ({ req, caller, v3 }) => {
  const rows = await listUsers(await caller(), req.nextUrl.searchParams);
  return keystoneJson(collection('users', rows.map((u) => userView(u, v3)), `${v3}/users`));
});

export const POST = identityRoute(async ({ req, caller, v3 }) => {
  const u = await createUser(await caller(), await readJsonBody(req));
  return keystoneJson({ user: userView(u, v3) }, 201);
});
