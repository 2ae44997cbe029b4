// Resource types and their associations with namespaces
// (glance/api/v2/metadef_resource_types.py, metadef_api/resource_type_association.py).
import type { RequestContext } from '@/lib/auth/context';
import { db } from '@/lib/db/client';
import { NotFound } from '@/lib/errors';
import type { MetadefNamespace, Prisma } from '@/lib/generated/prisma/client';
import { checkMetadef, enforceMetadef, parentNamespace } from './access';
import { checkBody, str, type Json } from './body';
import { duplicateAssociation, isDuplicate, protectedAssociation } from './messages';
import { associationView, type AssociationRow } from './rows';
import { nowSeconds, times } from './view';

/** GET /v2/metadefs/resource_types: every resource type known. */
export async function listResourceTypes(ctx: RequestContext) {
  enforceMetadef(ctx, 'list_metadef_resource_types');
  const rows = await db().metadefResourceType.findMany({ orderBy: { id: 'asc' } });
  return { resource_types: rows.map((r) => ({ name: r.name, ...times(r) })) };
}

/** GET /v2/metadefs/namespaces/{ns}/resource_types. */
export async function listAssociations(ctx: RequestContext, namespace: string) {
  const ns = await parentNamespace(ctx, namespace);
  enforceMetadef(ctx, 'list_metadef_resource_types', ns);
  const rows = await db().metadefNamespaceResourceType.findMany({
    where: { namespaceId: ns.id },
    include: { resourceType: true },
    orderBy: { resourceTypeId: 'asc' },
  });
  const shown = checkMetadef(ctx, 'get_metadef_resource_type', ns) ? rows : [];
  return { resource_type_associations: shown.map(associationView) };
}

/**
 * One association row; the resource type is made (unprotected) when new, as
 * Glance does. 409 when the namespace already has it.
 */
export async function addAssociation(tx: Prisma.TransactionClient, ns: MetadefNamespace, body: Json, now: Date): Promise<AssociationRow> {
  const name = String(body.name);
  const resourceType =
    (await tx.metadefResourceType.findUnique({ where: { name } })) ??
    (await tx.metadefResourceType.create({ data: { name, protected: false, createdAt: now, updatedAt: now } }));
  try {
    return await tx.metadefNamespaceResourceType.create({
      data: {
        resourceTypeId: resourceType.id,
        namespaceId: ns.id,
        prefix: str(body.prefix),
        propertiesTarget: str(body.properties_target),
        createdAt: now,
        updatedAt: now,
      },
      include: { resourceType: true },
    });
  } catch (err) {
    throw isDuplicate(err) ? duplicateAssociation(name, ns.namespace) : err;
  }
}

/** POST /v2/metadefs/namespaces/{ns}/resource_types. */
export async function createAssociation(ctx: RequestContext, namespace: string, input: unknown) {
  const body = checkBody('resource_type', input);
  const ns = await parentNamespace(ctx, namespace);
  enforceMetadef(ctx, 'add_metadef_resource_type_association', ns);
  const row = await db().$transaction((tx) => addAssociation(tx, ns, body, nowSeconds()));
  return associationView(row);
}

/** DELETE /v2/metadefs/namespaces/{ns}/resource_types/{rt}: the association only; the resource type stays. */
export async function deleteAssociation(ctx: RequestContext, namespace: string, resourceType: string): Promise<void> {
  const ns = await parentNamespace(ctx, namespace);
  enforceMetadef(ctx, 'remove_metadef_resource_type_association', ns);
  // Glance compares names in Python, exactly; the column's collation would not.
  const rows = await db().metadefNamespaceResourceType.findMany({ where: { namespaceId: ns.id }, include: { resourceType: true } });
  const row = rows.find((r) => r.resourceType.name === resourceType);
  if (!row) throw new NotFound(`Failed to find resource type ${resourceType} to delete`);
  if (ns.protected) throw protectedAssociation(resourceType);
  await db().metadefNamespaceResourceType.delete({ where: { resourceTypeId_namespaceId: { resourceTypeId: row.resourceTypeId, namespaceId: ns.id } } });
}
