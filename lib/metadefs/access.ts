// Finding a namespace the caller may see, and Glance's MetadefAPIPolicy: a
// rule refused on a namespace the caller cannot read is 404 (nothing is
// revealed), on one it can read 403 "You are not authorized to complete <rule> action."
import type { RequestContext } from '@/lib/auth/context';
import { db } from '@/lib/db/client';
import { NotFound } from '@/lib/errors';
import type { MetadefNamespace } from '@/lib/generated/prisma/client';
import { allows, notAuthorized } from '@/lib/policy';
import type { Target } from '@/lib/policy/check-string';

/** The DB layer's visibility (metadef_api/namespace.py): admins see all; others public ones and their project's. */
export function visibleTo(ctx: RequestContext, ns: Pick<MetadefNamespace, 'owner' | 'visibility'>): boolean {
  return ctx.isAdmin || ns.visibility === 'public' || (ctx.projectId !== null && ns.owner === ctx.projectId);
}

/** The same as a Prisma filter. */
export function visibleWhere(ctx: RequestContext) {
  if (ctx.isAdmin) return {};
  return ctx.projectId === null ? { visibility: 'public' } : { OR: [{ visibility: 'public' }, { owner: ctx.projectId }] };
}

function targetOf(ctx: RequestContext, ns: Pick<MetadefNamespace, 'owner' | 'visibility'> | null): Target {
  return ns ? { project_id: ns.owner, visibility: ns.visibility ?? 'private' } : { project_id: ctx.projectId };
}

/** MetadefAPIPolicy._enforce for a rule, on a namespace or (null) on the caller's project. */
export function enforceMetadef(ctx: RequestContext, rule: string, ns: Pick<MetadefNamespace, 'owner' | 'visibility'> | null = null): void {
  const target = targetOf(ctx, ns);
  if (allows(ctx, rule, target)) return;
  if (rule === 'get_metadef_namespace' || !allows(ctx, 'get_metadef_namespace', target)) throw new NotFound();
  throw notAuthorized(rule);
}

/** MetadefAPIPolicy.check: does the rule allow it (no exception)? */
export function checkMetadef(ctx: RequestContext, rule: string, ns: Pick<MetadefNamespace, 'owner' | 'visibility'>): boolean {
  return allows(ctx, rule, targetOf(ctx, ns));
}

/** A namespace by name and whether the caller may see it (Glance tells the two apart in some answers). */
export async function lookupNamespace(ctx: RequestContext, name: string): Promise<{ ns: MetadefNamespace | null; visible: boolean }> {
  const ns = await db().metadefNamespace.findUnique({ where: { namespace: name } });
  return { ns, visible: ns !== null && visibleTo(ctx, ns) };
}

/** A visible namespace by name, or null. */
export async function findNamespace(ctx: RequestContext, name: string): Promise<MetadefNamespace | null> {
  const { ns, visible } = await lookupNamespace(ctx, name);
  return visible ? ns : null;
}

/**
 * The namespace a child resource lives in: 404 "Namespace X not found" when
 * missing or invisible; `distinct`: a missing one has the DB layer's own text
 * (the single-object routes of metadef_objects.py catch only Forbidden).
 */
export async function parentNamespace(ctx: RequestContext, name: string, distinct = false): Promise<MetadefNamespace> {
  const { ns, visible } = await lookupNamespace(ctx, name);
  if (!ns && distinct) throw new NotFound(`Metadata definition namespace=${name} was not found.`);
  if (!ns || !visible) throw new NotFound(`Namespace ${name} not found`);
  return ns;
}
