// Property definitions of a namespace (glance/api/v2/metadef_properties.py):
// kept as their PropertyType JSON, name included.
import type { RequestContext } from '@/lib/auth/context';
import { db } from '@/lib/db/client';
import { NotFound } from '@/lib/errors';
import type { MetadefNamespace, MetadefProperty, Prisma } from '@/lib/generated/prisma/client';
import { checkMetadef, enforceMetadef, parentNamespace } from './access';
import { checkBody, type Json } from './body';
import { duplicateProperty, isDuplicate, propertyNotFound, protectedProperty } from './messages';
import { propertyType } from './property-type';
import { propertyView } from './rows';
import { nowSeconds } from './view';

export async function addPropertyRow(tx: Prisma.TransactionClient, ns: MetadefNamespace, name: string, value: unknown, now: Date): Promise<MetadefProperty> {
  try {
    return await tx.metadefProperty.create({
      data: { namespaceId: ns.id, name, jsonSchema: JSON.stringify(propertyType(value)), createdAt: now, updatedAt: now },
    });
  } catch (err) {
    throw isDuplicate(err) ? duplicateProperty(name, ns.namespace) : err;
  }
}

async function findProperty(ns: MetadefNamespace, name: string): Promise<MetadefProperty> {
  const row = await db().metadefProperty.findUnique({ where: { namespaceId_name: { namespaceId: ns.id, name } } });
  if (!row) throw propertyNotFound(name);
  return row;
}

/** GET /v2/metadefs/namespaces/{ns}/properties: {name: definition}. */
export async function listProperties(ctx: RequestContext, namespace: string) {
  const ns = await parentNamespace(ctx, namespace);
  enforceMetadef(ctx, 'get_metadef_properties', ns);
  // Glance's query reads them through the (namespace_id, name) unique index: in name order.
  const rows = await db().metadefProperty.findMany({ where: { namespaceId: ns.id }, orderBy: { name: 'asc' } });
  const shown = checkMetadef(ctx, 'get_metadef_property', ns) ? rows : [];
  return { properties: Object.fromEntries(shown.map((p) => [p.name, propertyView(p)])) };
}

export async function createProperty(ctx: RequestContext, namespace: string, input: unknown) {
  const body = checkBody('property', input);
  const ns = await parentNamespace(ctx, namespace);
  enforceMetadef(ctx, 'add_metadef_property', ns);
  const row = await addPropertyRow(db(), ns, String(body.name), body, nowSeconds());
  return propertyView(row);
}

/** GET one; with ?resource_type=X the name carries X's prefix, which is taken off. */
export async function showProperty(ctx: RequestContext, namespace: string, name: string, resourceType: string | null) {
  const ns = await parentNamespace(ctx, namespace);
  enforceMetadef(ctx, 'get_metadef_property', ns);
  let propName = name;
  if (resourceType) {
    enforceMetadef(ctx, 'get_metadef_resource_type', ns);
    const type = await db().metadefResourceType.findUnique({ where: { name: resourceType } });
    if (!type) throw new NotFound(`The metadata definition resource-type with name=${resourceType}, was not found.`);
    const assoc = await db().metadefNamespaceResourceType.findUnique({
      where: { resourceTypeId_namespaceId: { resourceTypeId: type.id, namespaceId: ns.id } },
    });
    if (!assoc) {
      throw new NotFound(`The metadata definition resource-type association of resource-type=${resourceType} to namespace=${ns.namespace}, was not found.`);
    }
    const prefix = assoc.prefix;
    if (!prefix || !name.startsWith(prefix)) {
      throw new NotFound(`Property ${name} does not start with the expected resource type association prefix of '${prefix}'.`);
    }
    propName = name.slice(prefix.length);
  }
  // One property is shown with its name (the lists key them by it instead).
  const row = await findProperty(ns, propName);
  return propertyType({ ...JSON.parse(row.jsonSchema), name: row.name });
}

export async function updateProperty(ctx: RequestContext, namespace: string, name: string, input: unknown) {
  const body: Json = checkBody('property', input);
  const ns = await parentNamespace(ctx, namespace);
  enforceMetadef(ctx, 'modify_metadef_property', ns);
  const current = await findProperty(ns, name);
  const newName = String(body.name);
  try {
    const row = await db().metadefProperty.update({
      where: { id: current.id },
      data: { name: newName, jsonSchema: JSON.stringify(propertyType(body)), updatedAt: nowSeconds() },
    });
    return propertyView(row);
  } catch (err) {
    if (!isDuplicate(err)) throw err;
    // Glance names the property by its old name here.
    const e = duplicateProperty(current.name, ns.namespace);
    e.message = `Invalid update. It would result in a duplicate metadata definition property with the same name=${current.name} in namespace=${ns.namespace}.`;
    throw e;
  }
}

export async function deleteProperty(ctx: RequestContext, namespace: string, name: string): Promise<void> {
  const ns = await parentNamespace(ctx, namespace);
  enforceMetadef(ctx, 'remove_metadef_property', ns);
  const row = await findProperty(ns, name);
  if (ns.protected) throw protectedProperty(row.name);
  await db().metadefProperty.delete({ where: { id: row.id } });
}
