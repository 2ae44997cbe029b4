// Namespaces of the metadata definitions catalog (glance/api/v2/metadef_namespaces.py
// over glance/db/sqlalchemy/metadef_api/namespace.py): list, show, create
// (with its children in one transaction), update, delete, and deleting all
// of a namespace's objects, properties or tags.
import type { RequestContext } from '@/lib/auth/context';
import { db } from '@/lib/db/client';
import { NotFound } from '@/lib/errors';
import type { MetadefNamespace, Prisma } from '@/lib/generated/prisma/client';
import { checkMetadef, enforceMetadef, lookupNamespace, parentNamespace, visibleWhere } from './access';
import { checkBody, str, type Json } from './body';
import { addObjectRow } from './objects';
import { addPropertyRow } from './properties';
import { addTagRow } from './tags';
import { pyUrlencode, type ListParams } from './list-params';
import { duplicateNamespace, isDuplicate, namespaceNotFound, notVisible, protectedNamespace } from './messages';
import { assertKnownAttributes, propertyTypes } from './property-type';
import { associationView, namespaceView, objectView, propertyView } from './rows';
import { addAssociation } from './resource-types';
import { nowSeconds } from './view';

type Tx = Prisma.TransactionClient;

export const NAMESPACE_SORT_KEYS = ['id', 'namespace', 'display_name', 'description', 'visibility', 'protected', 'owner', 'created_at', 'updated_at'] as const;
const COLUMN: Record<string, keyof MetadefNamespace> = {
  id: 'id', namespace: 'namespace', display_name: 'displayName', description: 'description', visibility: 'visibility',
  protected: 'protected', owner: 'owner', created_at: 'createdAt', updated_at: 'updatedAt',
};

/** GET /v2/metadefs/namespaces. */
export async function listNamespaces(ctx: RequestContext, params: ListParams, query: URLSearchParams) {
  enforceMetadef(ctx, 'get_metadef_namespaces');
  enforceMetadef(ctx, 'list_metadef_resource_types');
  let marker: MetadefNamespace | null = null;
  if (params.marker !== null) {
    const found = await lookupNamespace(ctx, params.marker);
    if (!found.ns) throw namespaceNotFound(params.marker);
    if (!found.visible) throw notVisible(params.marker);
    marker = found.ns;
  }
  const where: Prisma.MetadefNamespaceWhereInput[] = [visibleWhere(ctx)];
  const visibility = params.filters.get('visibility');
  if (visibility) where.push({ visibility });
  const resourceTypes = params.filters.get('resource_types');
  if (resourceTypes !== undefined) {
    where.push({ resourceTypes: { some: { resourceType: { name: { in: resourceTypes.split(',') } } } } });
  }
  // paginate_query: the sort key, then created_at and id, all one direction; the marker row's values bound the page.
  const keys = [...new Set([params.sortKey, 'created_at', 'id'])].map((k) => COLUMN[k]);
  if (marker) where.push(afterMarker(marker, keys, params.sortDir));
  const rows = await db().metadefNamespace.findMany({
    where: { AND: where },
    orderBy: keys.map((k) => ({ [k]: params.sortDir })),
    take: params.limit,
    include: { resourceTypes: { include: { resourceType: true }, orderBy: { resourceTypeId: 'asc' } } },
  });
  const shown = rows.filter((ns) => checkMetadef(ctx, 'get_metadef_namespace', ns));
  const namespaces = shown.map((ns) => {
    const associations = ns.resourceTypes.map(associationView);
    return namespaceView(ns, associations.length ? { resource_type_associations: associations } : {});
  });
  const first = pyUrlencode(query, ['marker']);
  const body: Json = { namespaces };
  if (namespaces.length !== 0 && namespaces.length === params.limit) {
    body.next = `/v2/metadefs/namespaces?${first ? `${first}&` : ''}marker=${pyUrlencode(new URLSearchParams({ marker: shown[shown.length - 1].namespace })).slice('marker='.length)}`;
  }
  body.schema = '/v2/schemas/metadefs/namespaces';
  body.first = first ? `/v2/metadefs/namespaces?${first}` : '/v2/metadefs/namespaces';
  return body;
}

/** oslo.db's paginate_query condition for "after the marker" over several keys. */
function afterMarker(marker: MetadefNamespace, keys: (keyof MetadefNamespace)[], dir: 'asc' | 'desc'): Prisma.MetadefNamespaceWhereInput {
  const op = dir === 'asc' ? 'gt' : 'lt';
  const ors = keys.map((key, i) => {
    const and: Json[] = keys.slice(0, i).map((k) => ({ [k]: marker[k] }));
    and.push({ [key]: { [op]: marker[key] } });
    return { AND: and };
  });
  return { OR: ors } as Prisma.MetadefNamespaceWhereInput;
}

/** GET /v2/metadefs/namespaces/{ns}[?resource_type=X]: with its children; X's prefix applied to property names. */
export async function showNamespace(ctx: RequestContext, name: string, resourceType: string | null) {
  // Missing: Glance's NotFound text; hidden from the caller: its bare 404.
  const { ns, visible } = await lookupNamespace(ctx, name);
  if (!ns) throw namespaceNotFound(name);
  if (!visible) throw new NotFound();
  enforceMetadef(ctx, 'get_metadef_namespace', ns);
  for (const rule of ['list_metadef_resource_types', 'get_metadef_objects', 'get_metadef_properties', 'get_metadef_tags']) enforceMetadef(ctx, rule, ns);
  const [objects, associations, properties, tags] = await Promise.all([
    // Name order: what MySQL's (namespace_id, name) index gives Glance (a table scan, in insertion order, where a namespace holds most rows).
    db().metadefObject.findMany({ where: { namespaceId: ns.id }, orderBy: { name: 'asc' } }),
    db().metadefNamespaceResourceType.findMany({ where: { namespaceId: ns.id }, include: { resourceType: true }, orderBy: { resourceTypeId: 'asc' } }),
    db().metadefProperty.findMany({ where: { namespaceId: ns.id }, orderBy: { name: 'asc' } }),
    db().metadefTag.findMany({ where: { namespaceId: ns.id }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] }),
  ]);
  const prefix = resourceType ? (associations.find((a) => a.resourceType.name === resourceType)?.prefix ?? null) : null;
  const children: Json = {};
  if (associations.length) children.resource_type_associations = associations.map(associationView);
  if (properties.length) children.properties = Object.fromEntries(properties.map((p) => [(prefix ?? '') + p.name, propertyView(p)]));
  if (objects.length) children.objects = objects.map((o) => objectView(ns.namespace, o, prefix));
  if (tags.length) children.tags = tags.map((t) => ({ name: t.name }));
  return namespaceView(ns, children);
}

/** POST /v2/metadefs/namespaces: the namespace and everything in the body, or nothing. */
export async function createNamespace(ctx: RequestContext, input: unknown) {
  const body = checkBody('namespace', input);
  enforceMetadef(ctx, 'add_metadef_namespace');
  const associations = (body.resource_type_associations as Json[] | undefined) ?? [];
  const objects = (body.objects as Json[] | undefined) ?? [];
  const properties = (body.properties as Json | undefined) ?? {};
  const tags = (body.tags as Json[] | undefined) ?? [];
  assertKnownAttributes(properties);
  for (const o of objects) assertKnownAttributes(o.properties, 'objects');
  if (associations.length) enforceMetadef(ctx, 'add_metadef_resource_type_association');
  if (objects.length) enforceMetadef(ctx, 'add_metadef_object');
  if (Object.keys(properties).length) enforceMetadef(ctx, 'add_metadef_property');
  if (tags.length) enforceMetadef(ctx, 'add_metadef_tag');
  const name = body.namespace as string;
  const now = nowSeconds();
  const ns = await db().$transaction(async (tx) => {
    let created: MetadefNamespace;
    try {
      created = await tx.metadefNamespace.create({
        data: {
          namespace: name,
          displayName: str(body.display_name),
          description: str(body.description),
          visibility: str(body.visibility) ?? 'private',
          protected: body.protected === true,
          owner: str(body.owner) ?? ctx.projectId ?? '',
          createdAt: now,
          updatedAt: now,
        },
      });
    } catch (err) {
      throw isDuplicate(err) ? duplicateNamespace(name) : err;
    }
    for (const a of associations) await addAssociation(tx, created, a, now);
    for (const o of objects) await addObjectRow(tx, created, o, now);
    for (const [propName, value] of Object.entries(properties)) await addPropertyRow(tx, created, propName, value, now);
    for (const t of tags) await addTagRow(tx, created, String(t.name), now);
    return created;
  });
  // The answer shows the children as given (Glance returns the request's own objects).
  const children: Json = {};
  if (associations.length) children.resource_type_associations = associations.map((a) => ({ name: a.name, prefix: a.prefix, properties_target: a.properties_target }));
  if (Object.keys(properties).length) children.properties = propertyTypes(properties);
  if (objects.length) {
    children.objects = objects.map((o) => ({
      name: o.name,
      required: o.required,
      description: o.description,
      properties: o.properties === undefined ? undefined : propertyTypes(o.properties),
    }));
  }
  if (tags.length) children.tags = tags.map((t) => ({ name: t.name }));
  return namespaceView(ns, children);
}

/** PUT /v2/metadefs/namespaces/{ns}: every field replaced (unset ones to their defaults), as Glance. */
export async function updateNamespace(ctx: RequestContext, name: string, input: unknown) {
  const body = checkBody('namespace', input);
  const ns = await parentNamespace(ctx, name);
  enforceMetadef(ctx, 'modify_metadef_namespace', ns);
  const newName = body.namespace as string;
  try {
    const updated = await db().metadefNamespace.update({
      where: { id: ns.id },
      data: {
        namespace: newName,
        displayName: str(body.display_name),
        description: str(body.description),
        visibility: str(body.visibility) ?? 'private',
        protected: body.protected === true,
        owner: str(body.owner) || ctx.projectId || ns.owner,
        updatedAt: nowSeconds(),
      },
    });
    return namespaceView(updated);
  } catch (err) {
    if (isDuplicate(err)) {
      const e = duplicateNamespace(newName);
      e.message = `Invalid update. It would result in a duplicate metadata definition namespace with the same name of ${newName}`;
      throw e;
    }
    throw err;
  }
}

/** DELETE /v2/metadefs/namespaces/{ns}: the namespace and everything in it (delete_cascade). */
export async function deleteNamespace(ctx: RequestContext, name: string): Promise<void> {
  const ns = await parentNamespace(ctx, name);
  enforceMetadef(ctx, 'delete_metadef_namespace', ns);
  if (ns.protected) throw protectedNamespace(ns.namespace);
  await db().$transaction(async (tx) => {
    await clearChildren(tx, ns.id, ['tags', 'objects', 'properties', 'associations']);
    await tx.metadefNamespace.delete({ where: { id: ns.id } });
  });
}

type Children = 'tags' | 'objects' | 'properties' | 'associations';

export async function clearChildren(tx: Tx, namespaceId: number, which: Children[]): Promise<void> {
  const where = { namespaceId };
  if (which.includes('tags')) await tx.metadefTag.deleteMany({ where });
  if (which.includes('objects')) await tx.metadefObject.deleteMany({ where });
  if (which.includes('properties')) await tx.metadefProperty.deleteMany({ where });
  if (which.includes('associations')) await tx.metadefNamespaceResourceType.deleteMany({ where });
}

/** DELETE /v2/metadefs/namespaces/{ns}/{objects,properties,tags}: the namespace's delete rule and protection apply. */
export async function deleteAllOf(ctx: RequestContext, name: string, which: 'objects' | 'properties' | 'tags'): Promise<void> {
  const ns = await parentNamespace(ctx, name);
  enforceMetadef(ctx, 'delete_metadef_namespace', ns);
  if (which === 'tags') enforceMetadef(ctx, 'delete_metadef_tags', ns);
  if (ns.protected) throw protectedNamespace(ns.namespace);
  await db().$transaction((tx) => clearChildren(tx, ns.id, [which]));
}
