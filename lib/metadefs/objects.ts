// Objects of a namespace (glance/api/v2/metadef_objects.py): named groups of
// property definitions with a required list.
import type { RequestContext } from '@/lib/auth/context';
import { db } from '@/lib/db/client';
import type { MetadefNamespace, MetadefObject, Prisma } from '@/lib/generated/prisma/client';
import { checkMetadef, enforceMetadef, parentNamespace } from './access';
import { checkBody, str, type Json } from './body';
import { duplicateObject, isDuplicate, objectNotFound, protectedObject } from './messages';
import { assertKnownAttributes, propertyTypes } from './property-type';
import { OBJECT_SCHEMA, objectView } from './rows';
import { assertValidMetadef } from './schemas';
import { isoTime, nowSeconds, objectHref } from './view';

/** The object deserializer: the object's schema, then each of its properties against the property schema. */
export function checkObjectBody(input: unknown): Json {
  const body = checkBody('object', input);
  for (const value of Object.values((body.properties as Json | undefined) ?? {})) assertValidMetadef('unnamedProperty', value);
  assertKnownAttributes(body.properties);
  return body;
}

function columns(body: Json) {
  const required = body.required as string[] | undefined;
  return {
    name: String(body.name),
    description: str(body.description),
    required: required && required.length ? required.join(',') : null,
    jsonSchema: JSON.stringify(propertyTypes(body.properties)),
  };
}

export async function addObjectRow(tx: Prisma.TransactionClient, ns: MetadefNamespace, body: Json, now: Date): Promise<MetadefObject> {
  try {
    return await tx.metadefObject.create({ data: { namespaceId: ns.id, ...columns(body), createdAt: now, updatedAt: now } });
  } catch (err) {
    throw isDuplicate(err) ? duplicateObject(String(body.name), ns.namespace) : err;
  }
}

/** The answer to a create or update: what the request gave, with the row's times and links. */
function echoView(ns: string, body: Json, row: MetadefObject) {
  return {
    name: row.name,
    required: body.required,
    description: body.description,
    properties: body.properties === undefined ? undefined : propertyTypes(body.properties),
    created_at: isoTime(row.createdAt),
    updated_at: isoTime(row.updatedAt),
    self: objectHref(ns, row.name),
    schema: OBJECT_SCHEMA,
  };
}

async function findObject(ns: MetadefNamespace, name: string): Promise<MetadefObject> {
  const row = await db().metadefObject.findUnique({ where: { namespaceId_name: { namespaceId: ns.id, name } } });
  if (!row) throw objectNotFound(name);
  return row;
}

/** GET /v2/metadefs/namespaces/{ns}/objects: all of them (Glance's repo ignores limit and marker). */
export async function listObjects(ctx: RequestContext, namespace: string) {
  const ns = await parentNamespace(ctx, namespace);
  enforceMetadef(ctx, 'get_metadef_objects', ns);
  // Glance's query mostly reads them through the (namespace_id, name) index: name order.
  const rows = await db().metadefObject.findMany({ where: { namespaceId: ns.id }, orderBy: { name: 'asc' } });
  const shown = checkMetadef(ctx, 'get_metadef_object', ns) ? rows : [];
  // Glance's link lacks the leading slash here.
  return { objects: shown.map((o) => objectView(ns.namespace, o)), schema: 'v2/schemas/metadefs/objects' };
}

export async function createObject(ctx: RequestContext, namespace: string, input: unknown) {
  const body = checkObjectBody(input);
  const ns = await parentNamespace(ctx, namespace);
  enforceMetadef(ctx, 'add_metadef_object', ns);
  const row = await addObjectRow(db(), ns, body, nowSeconds());
  return echoView(ns.namespace, body, row);
}

export async function showObject(ctx: RequestContext, namespace: string, name: string) {
  const ns = await parentNamespace(ctx, namespace, true);
  enforceMetadef(ctx, 'get_metadef_object', ns);
  return objectView(ns.namespace, await findObject(ns, name));
}

/** PUT: every field replaced by the body's (unset ones emptied), as Glance. */
export async function updateObject(ctx: RequestContext, namespace: string, name: string, input: unknown) {
  const body = checkObjectBody(input);
  const ns = await parentNamespace(ctx, namespace, true);
  enforceMetadef(ctx, 'modify_metadef_object', ns);
  const current = await findObject(ns, name);
  try {
    const row = await db().metadefObject.update({ where: { id: current.id }, data: { ...columns(body), updatedAt: nowSeconds() } });
    return echoView(ns.namespace, body, row);
  } catch (err) {
    if (!isDuplicate(err)) throw err;
    // Glance names the object by its old name here.
    const e = duplicateObject(current.name, ns.namespace);
    e.message = `Invalid update. It would result in a duplicate metadata definition object with the same name=${current.name} in namespace=${ns.namespace}.`;
    throw e;
  }
}

export async function deleteObject(ctx: RequestContext, namespace: string, name: string): Promise<void> {
  const ns = await parentNamespace(ctx, namespace, true);
  enforceMetadef(ctx, 'delete_metadef_object', ns);
  const row = await findObject(ns, name);
  if (ns.protected) throw protectedObject(row.name);
  await db().metadefObject.delete({ where: { id: row.id } });
}
