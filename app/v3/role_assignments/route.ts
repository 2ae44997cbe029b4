// GET /v3/role_assignments (?user.id=, ?scope.project.id=, ?role.id=, ?include_names).
import { listAssignments } from '@/lib/identity/directory';
import { identityRoute, keystoneJson } from '@/http/identity-route';

export const dynamic = 'force-dynamic';

export const GET = identityRoute(async ({ req, caller, v3 }) => {
  const q = req.nextUrl.searchParams;
  const names = q.has('include_names') && !['false', '0'].includes(q.get('include_names')!.toLowerCase());
  const rows = await listAssignments(await caller(), q);
  const items = rows.map((a) => ({
    role: names ? { id: a.role.id, name: a.role.name } : { id: a.role.id },
    user: names ? { id: a.user.id, name: a.user.name, domain: { id: a.user.domain.id, name: a.user.domain.name } } : { id: a.user.id },
    scope: {
      project: names
        ? { id: a.project.id, name: a.project.name, domain: { id: a.project.domain.id, name: a.project.domain.name } }
        : { id: a.project.id },
    },
    links: { assignment: `${v3}/projects/${a.project.id}/users/${a.user.id}/roles/${a.role.id}` },
  }));
  return keystoneJson({ role_assignments: items, links: { self: `${v3}/role_assignments`, previous: null, next: null } });
});
