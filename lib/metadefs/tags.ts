// Tags of a namespace (glance/api/v2/metadef_tags.py): single ones by URL,
// bulk create (replacing all unless X-Openstack-Append), delete all.
// Names are unique per namespace case-insensitively (the column's collation, as Glance's MySQL).
import type { RequestContext } from '@/lib/auth/context';
import { db } from '@/lib/db/client';
import type { MetadefNamespace, MetadefTag, Prisma } from '@/lib/generated/prisma/client';
import { enforceMetadef, parentNamespace } from './access';
import { checkBody, type Json } from './body';
import type { ListParams } from './list-params';
import { duplicateTag, isDuplicate, protectedTag, tagNotFound } from './messages';
import { tagView } from './rows';
import { assertValidMetadef } from './schemas';
import { nowSeconds } from './view';

export const TAG_SORT_KEYS = ['id', 'namespace_id', 'name', 'created_at', 'updated_at'] as const;
const COLUMN: Record<string, keyof MetadefTag> = { id: 'id', namespace_id: 'namespaceId', name: 'name', created_at: 'createdAt', updated_at: 'updatedAt' };

export async function addTagRow(tx: Prisma.TransactionClient, ns: MetadefNamespace, name: string, now: Date): Promise<MetadefTag> {
  try {
    return await tx.metadefTag.create({ data: { namespaceId: ns.id, name, createdAt: now, updatedAt: now } });
  } catch (err) {
    throw isDuplicate(err) ? duplicateTag(name, ns.namespace) : err;
  }
}

async function findTag(ns: MetadefNamespace, name: string): Promise<MetadefTag> {
  const row = await db().metadefTag.findUnique({ where: { namespaceId_name: { namespaceId: ns.id, name } } });
  if (!row) throw tagNotFound(name);
  return row;
}

/** GET /v2/metadefs/namespaces/{ns}/tags: no limit unless given; marker is a tag name. */
export async function listTags(ctx: RequestContext, namespace: string, params: ListParams & { limitGiven: boolean }) {
  const ns = await parentNamespace(ctx, namespace);
  enforceMetadef(ctx, 'get_metadef_tags', ns);
  const keys = [...new Set([params.sortKey, 'created_at', 'id'])].map((k) => COLUMN[k]);
  const where: Prisma.MetadefTagWhereInput[] = [{ namespaceId: ns.id }];
  if (params.marker) {
    const marker = await findTag(ns, params.marker);
    const op = params.sortDir === 'asc' ? 'gt' : 'lt';
    where.push({ OR: keys.map((key, i) => ({ AND: [...keys.slice(0, i).map((k) => ({ [k]: marker[k] })), { [key]: { [op]: marker[key] } }] })) });
  }
  const rows = await db().metadefTag.findMany({
    where: { AND: where },
    orderBy: keys.map((k) => ({ [k]: params.sortDir })),
    // No limit unless one is given (Glance's tag lists have no default page size).
    ...(params.limitGiven ? { take: params.limit } : {}),
  });
  return { tags: rows.map((t) => ({ name: t.name })) };
}

/** POST /v2/metadefs/namespaces/{ns}/tags/{tag}. */
export async function createTag(ctx: RequestContext, namespace: string, name: string) {
  const ns = await parentNamespace(ctx, namespace);
  assertValidMetadef('tag', { name });
  enforceMetadef(ctx, 'add_metadef_tag', ns);
  return tagView(await addTagRow(db(), ns, name, nowSeconds()));
}

/** POST /v2/metadefs/namespaces/{ns}/tags: all or none; without append the old tags go first. */
export async function createTags(ctx: RequestContext, namespace: string, input: unknown, append: boolean) {
  const body = checkBody('tagList', input);
  const ns = await parentNamespace(ctx, namespace);
  enforceMetadef(ctx, 'add_metadef_tags', ns);
  const names = ((body.tags as Json[] | undefined) ?? []).map((t) => String(t.name));
  if (names.length) {
    const now = nowSeconds();
    await db().$transaction(async (tx) => {
      if (!append) await tx.metadefTag.deleteMany({ where: { namespaceId: ns.id } });
      for (const name of names) await addTagRow(tx, ns, name, now);
    });
  }
  return { tags: names.map((name) => ({ name })) };
}

export async function showTag(ctx: RequestContext, namespace: string, name: string) {
  const ns = await parentNamespace(ctx, namespace);
  enforceMetadef(ctx, 'get_metadef_tag', ns);
  return tagView(await findTag(ns, name));
}

export async function updateTag(ctx: RequestContext, namespace: string, name: string, input: unknown) {
  const body = checkBody('tag', input);
  const ns = await parentNamespace(ctx, namespace);
  enforceMetadef(ctx, 'modify_metadef_tag', ns);
  const current = await findTag(ns, name);
  const newName = String(body.name);
  try {
    return tagView(await db().metadefTag.update({ where: { id: current.id }, data: { name: newName, updatedAt: nowSeconds() } }));
  } catch (err) {
    throw isDuplicate(err) ? duplicateTag(newName, ns.namespace) : err;
  }
}

export async function deleteTag(ctx: RequestContext, namespace: string, name: string): Promise<void> {
  const ns = await parentNamespace(ctx, namespace);
  enforceMetadef(ctx, 'delete_metadef_tag', ns);
  const row = await findTag(ns, name);
  if (ns.protected) throw protectedTag(row.name);
  await db().metadefTag.delete({ where: { id: row.id } });
}
