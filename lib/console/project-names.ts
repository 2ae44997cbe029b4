// Which project names a console user sees, as Horizon: an admin every name
// the identity directory holds, anyone else only their own project's (other
// projects' names are not theirs to learn); every other id is shown as the id.
import type { RequestContext } from '@/lib/auth/context';
import { projectNames } from '@/lib/identity/project-names';

export async function visibleProjectNames(ctx: RequestContext, ids: (string | null | undefined)[]): Promise<Record<string, string>> {
  if (ctx.isAdmin) return projectNames(ids);
  return ctx.projectId && ctx.projectName && ids.includes(ctx.projectId) ? { [ctx.projectId]: ctx.projectName } : {};
}
