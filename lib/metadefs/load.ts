// glance-manage db_load_metadefs / db_export_metadefs
// (glance/db/sqlalchemy/metadata.py): definition files in, one per namespace,
// and the catalog out the same way. Loading writes what Glance writes: no
// updated_at, objects' properties without their `required` (Glance drops it too).
import { readdirSync, readFileSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { db } from '@/lib/db/client';
import type { Prisma } from '@/lib/generated/prisma/client';
import { logger } from '@/lib/log';
import { requiredList } from './rows';
import { nowSeconds } from './view';

type Json = Record<string, unknown>;
type Tx = Prisma.TransactionClient;

/** The definitions shipped with the service (etc/metadefs). */
export const SHIPPED_METADEFS = path.join(process.cwd(), 'etc', 'metadefs');

export interface LoadOptions {
  /** Add to namespaces that exist instead of skipping them. */
  merge?: boolean;
  /** With merge: rewrite what exists from the files. */
  preferNew?: boolean;
  /** Replace existing namespaces wholly. */
  overwrite?: boolean;
}

function files(source: string): string[] {
  if (statSync(source).isFile()) return [source];
  return readdirSync(source)
    .filter((f) => f.endsWith('.json') && statSync(path.join(source, f)).isFile())
    .sort()
    .map((f) => path.join(source, f));
}

const strOrNull = (v: unknown) => (typeof v === 'string' ? v : null);
const isDup = (err: unknown) => (err as { code?: string })?.code === 'P2002';

async function resourceTypeId(tx: Tx, name: string, now: Date, preferNew: boolean): Promise<number> {
  const found = await tx.metadefResourceType.findUnique({ where: { name } });
  if (found) {
    if (preferNew) await tx.metadefResourceType.update({ where: { id: found.id }, data: { updatedAt: now } });
    return found.id;
  }
  // Seeded types are protected, as Glance's loader makes them.
  return (await tx.metadefResourceType.create({ data: { name, protected: true, createdAt: now } })).id;
}

/** A definition file's namespace row, as Glance's loader reads it (owner `admin` when the file names none). */
function namespaceColumns(doc: Json) {
  return {
    namespace: String(doc.namespace),
    displayName: strOrNull(doc.display_name),
    description: strOrNull(doc.description),
    visibility: strOrNull(doc.visibility),
    protected: typeof doc.protected === 'boolean' ? doc.protected : null,
    owner: strOrNull(doc.owner) ?? 'admin',
  };
}

/** One definition file into the tables; false when its namespace exists and is left alone. */
async function loadOne(tx: Tx, doc: Json, opts: LoadOptions): Promise<boolean> {
  const now = nowSeconds();
  const values = namespaceColumns(doc);
  let ns = await tx.metadefNamespace.findUnique({ where: { namespace: values.namespace } });
  if (ns && opts.overwrite) {
    const where = { namespaceId: ns.id };
    await tx.metadefTag.deleteMany({ where });
    await tx.metadefObject.deleteMany({ where });
    await tx.metadefProperty.deleteMany({ where });
    await tx.metadefNamespaceResourceType.deleteMany({ where });
    await tx.metadefNamespace.delete({ where: { id: ns.id } });
    ns = null;
  }
  if (!ns) {
    await addAll(tx, await tx.metadefNamespace.create({ data: { ...values, createdAt: now } }), doc, now);
    return true;
  }
  if (!opts.merge) return false;
  else if (opts.preferNew) ns = await tx.metadefNamespace.update({ where: { id: ns.id }, data: { ...values, updatedAt: now } });
  const prefer = Boolean(opts.preferNew);
  for (const rt of (doc.resource_type_associations as Json[] | undefined) ?? []) {
    const rtId = await resourceTypeId(tx, String(rt.name), now, prefer);
    const key = { resourceTypeId_namespaceId: { resourceTypeId: rtId, namespaceId: ns.id } };
    const data = { propertiesTarget: strOrNull(rt.properties_target), prefix: strOrNull(rt.prefix) };
    if (!(await tx.metadefNamespaceResourceType.findUnique({ where: key }))) {
      await tx.metadefNamespaceResourceType.create({ data: { resourceTypeId: rtId, namespaceId: ns.id, ...data, createdAt: now } });
    } else if (prefer) await tx.metadefNamespaceResourceType.update({ where: key, data: { ...data, updatedAt: now } });
  }
  for (const [name, schema] of Object.entries((doc.properties as Json | undefined) ?? {})) {
    const key = { namespaceId_name: { namespaceId: ns.id, name } };
    const data = { jsonSchema: JSON.stringify(schema) };
    if (!(await tx.metadefProperty.findUnique({ where: key }))) await tx.metadefProperty.create({ data: { namespaceId: ns.id, name, ...data, createdAt: now } });
    else if (prefer) await tx.metadefProperty.update({ where: key, data: { ...data, updatedAt: now } });
  }
  for (const o of (doc.objects as Json[] | undefined) ?? []) {
    const name = String(o.name);
    const key = { namespaceId_name: { namespaceId: ns.id, name } };
    const data = { description: strOrNull(o.description), jsonSchema: JSON.stringify(o.properties ?? null) };
    if (!(await tx.metadefObject.findUnique({ where: key }))) await tx.metadefObject.create({ data: { namespaceId: ns.id, name, ...data, createdAt: now } });
    else if (prefer) await tx.metadefObject.update({ where: key, data: { ...data, updatedAt: now } });
  }
  for (const t of (doc.tags as Json[] | undefined) ?? []) {
    const name = String(t.name);
    const key = { namespaceId_name: { namespaceId: ns.id, name } };
    if (!(await tx.metadefTag.findUnique({ where: key }))) await tx.metadefTag.create({ data: { namespaceId: ns.id, name, createdAt: now } });
    else if (prefer) await tx.metadefTag.update({ where: key, data: { updatedAt: now } });
  }
  return true;
}

/** A new namespace's contents in a few statements (every server start of an empty database pays for this). */
async function addAll(tx: Tx, ns: { id: number }, doc: Json, now: Date): Promise<void> {
  const associations = (doc.resource_type_associations as Json[] | undefined) ?? [];
  const rows = [];
  for (const rt of associations) {
    const rtId = await resourceTypeId(tx, String(rt.name), now, false);
    rows.push({ resourceTypeId: rtId, namespaceId: ns.id, propertiesTarget: strOrNull(rt.properties_target), prefix: strOrNull(rt.prefix), createdAt: now });
  }
  if (rows.length) await tx.metadefNamespaceResourceType.createMany({ data: rows });
  const properties = Object.entries((doc.properties as Json | undefined) ?? {});
  if (properties.length) {
    await tx.metadefProperty.createMany({ data: properties.map(([name, schema]) => ({ namespaceId: ns.id, name, jsonSchema: JSON.stringify(schema), createdAt: now })) });
  }
  const objects = (doc.objects as Json[] | undefined) ?? [];
  if (objects.length) {
    await tx.metadefObject.createMany({
      data: objects.map((o) => ({ namespaceId: ns.id, name: String(o.name), description: strOrNull(o.description), jsonSchema: JSON.stringify(o.properties ?? null), createdAt: now })),
    });
  }
  const tags = (doc.tags as Json[] | undefined) ?? [];
  if (tags.length) await tx.metadefTag.createMany({ data: tags.map((t) => ({ namespaceId: ns.id, name: String(t.name), createdAt: now })) });
}

/** Load every *.json of a directory (or one file); each file in its own transaction. */
export async function loadMetadefs(source: string = SHIPPED_METADEFS, opts: LoadOptions = {}): Promise<{ loaded: string[]; skipped: string[] }> {
  const loaded: string[] = [];
  const skipped: string[] = [];
  for (const file of files(source)) {
    let doc: Json;
    try {
      doc = JSON.parse(readFileSync(file, 'utf8'));
    } catch (err) {
      logger.error({ file, err: (err as Error).message }, 'metadata definition file not loaded: not JSON');
      skipped.push(file);
      continue;
    }
    try {
      (await db().$transaction((tx) => loadOne(tx, doc, opts), { timeout: 60_000 })) ? loaded.push(file) : skipped.push(file);
    } catch (err) {
      // Another node loading the same file at the same moment: its copy stands.
      if (!isDup(err)) throw err;
      skipped.push(file);
    }
  }
  return { loaded, skipped };
}

function readDocs(source: string): Json[] {
  const docs: Json[] = [];
  for (const file of files(source)) {
    try {
      docs.push(JSON.parse(readFileSync(file, 'utf8')));
    } catch (err) {
      logger.error({ file, err: (err as Error).message }, 'metadata definition file not loaded: not JSON');
    }
  }
  return docs;
}

/**
 * Every file into an empty catalog in one transaction of a few multi-row
 * inserts (each server start on an empty database pays for this: row by row
 * it took seconds). A duplicate (another node loading at the same moment) undoes it all.
 */
async function loadAllInto(docs: Json[]): Promise<void> {
  const now = nowSeconds();
  await db().$transaction(async (tx) => {
    await tx.metadefNamespace.createMany({
      data: docs.map((doc) => ({ ...namespaceColumns(doc), createdAt: now })),
    });
    const nsId = new Map((await tx.metadefNamespace.findMany({ select: { id: true, namespace: true } })).map((n) => [n.namespace, n.id]));
    const assocs = docs.flatMap((doc) => ((doc.resource_type_associations as Json[] | undefined) ?? []).map((rt) => ({ doc, rt })));
    // Seeded types are protected, as Glance's loader makes them; first mention first, as its ids go.
    const typeNames = [...new Set(assocs.map(({ rt }) => String(rt.name)))];
    await tx.metadefResourceType.createMany({ data: typeNames.map((name) => ({ name, protected: true, createdAt: now })), skipDuplicates: true });
    const typeId = new Map((await tx.metadefResourceType.findMany({ select: { id: true, name: true } })).map((t) => [t.name, t.id]));
    const id = (doc: Json) => nsId.get(String(doc.namespace))!;
    await tx.metadefNamespaceResourceType.createMany({
      data: assocs.map(({ doc, rt }) => ({
        resourceTypeId: typeId.get(String(rt.name))!,
        namespaceId: id(doc),
        propertiesTarget: strOrNull(rt.properties_target),
        prefix: strOrNull(rt.prefix),
        createdAt: now,
      })),
    });
    await tx.metadefProperty.createMany({
      data: docs.flatMap((doc) => Object.entries((doc.properties as Json | undefined) ?? {}).map(([name, schema]) => ({ namespaceId: id(doc), name, jsonSchema: JSON.stringify(schema), createdAt: now }))),
    });
    await tx.metadefObject.createMany({
      data: docs.flatMap((doc) => ((doc.objects as Json[] | undefined) ?? []).map((o) => ({
        namespaceId: id(doc), name: String(o.name), description: strOrNull(o.description), jsonSchema: JSON.stringify(o.properties ?? null), createdAt: now,
      }))),
    });
    await tx.metadefTag.createMany({
      data: docs.flatMap((doc) => ((doc.tags as Json[] | undefined) ?? []).map((t) => ({ namespaceId: id(doc), name: String(t.name), createdAt: now }))),
    });
  }, { timeout: 60_000 });
}

/** First start: the shipped definitions when the catalog has never held anything. */
export async function loadShippedMetadefsIfEmpty(): Promise<number> {
  const [namespaces, resourceTypes] = await Promise.all([db().metadefNamespace.count(), db().metadefResourceType.count()]);
  if (namespaces > 0 || resourceTypes > 0) return 0;
  const docs = readDocs(SHIPPED_METADEFS);
  try {
    await loadAllInto(docs);
    return docs.length;
  } catch (err) {
    if (!isDup(err)) throw err;
    // Another node got there first, or a file repeats a name: file by file, skipping what exists.
    const { loaded } = await loadMetadefs(SHIPPED_METADEFS);
    return loaded.length;
  }
}

/** db_export_metadefs: one file per namespace, named after it (OS::Compute::CPUPinning -> OS-Compute-CPUPinning.json). */
export async function exportMetadefs(dir: string): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  const all = await db().metadefNamespace.findMany({
    orderBy: { id: 'asc' },
    include: {
      resourceTypes: { include: { resourceType: true }, orderBy: { resourceTypeId: 'asc' } },
      properties: { orderBy: { id: 'asc' } },
      objects: { orderBy: { id: 'asc' } },
      tags: { orderBy: { id: 'asc' } },
    },
  });
  const written: string[] = [];
  for (const ns of all) {
    const doc: Json = {
      namespace: ns.namespace,
      display_name: ns.displayName ?? undefined,
      description: ns.description ?? undefined,
      visibility: ns.visibility ?? undefined,
      protected: ns.protected ?? undefined,
      owner: ns.owner,
      resource_type_associations: ns.resourceTypes.map((a) => ({ name: a.resourceType.name, prefix: a.prefix ?? undefined, properties_target: a.propertiesTarget ?? undefined })),
      properties: Object.fromEntries(ns.properties.map((p) => [p.name, JSON.parse(p.jsonSchema)])),
      objects: ns.objects.map((o) => ({
        name: o.name,
        description: o.description ?? undefined,
        required: requiredList(o.required).length ? requiredList(o.required) : undefined,
        properties: JSON.parse(o.jsonSchema),
      })),
      tags: ns.tags.map((t) => ({ name: t.name })),
    };
    // Glance names them after the display name (and fails without one); the namespace is unique and always set.
    const file = path.join(dir, `${ns.namespace.replace(/::/g, '-').replace(/[^\w.-]/g, '_')}.json`);
    writeFileSync(file, `${JSON.stringify(doc, null, 4)}\n`);
    written.push(file);
  }
  return written;
}
