// Image rows through Prisma. Soft-deleted rows stay in the tables, as in Glance.
// Rule: this is the only module that reaches the image tables (images,
// image_properties, image_tags, image_members, image_locations, image_events)
// through the Prisma client; others call the functions here and only pass on
// the `tx` of inTransaction. list.ts and patch.ts are still to move here.
import { db, type Db } from '@/lib/db/client';
import type { Prisma } from '@/lib/generated/prisma/client';
import type { ImageRow } from './view';

export const WITH_CHILDREN = {
  properties: { where: { deleted: false }, orderBy: { id: 'asc' } },
  tags: { where: { deleted: false }, orderBy: { id: 'asc' } },
} as const;

export type Tx = Parameters<Parameters<Db['$transaction']>[0]>[0];

const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

export function looksLikeImageId(id: string): boolean {
  return UUID.test(id);
}

/** A live (not deleted) image with its properties, tags and members, or null. */
export async function findLiveImage(id: string, client: Db | Tx = db()) {
  if (!looksLikeImageId(id)) return null;
  return client.image.findFirst({
    where: { id, deleted: false },
    include: { ...WITH_CHILDREN, members: { where: { deleted: false } } },
  });
}

export async function reload(id: string, client: Db | Tx = db()): Promise<ImageRow> {
  return client.image.findUniqueOrThrow({ where: { id }, include: WITH_CHILDREN });
}

/**
 * Run `work` in one database transaction. `readCommitted`: each read sees what
 * others committed before it (not a snapshot from the first read), for work
 * that locks a row and then reads what the lock's previous holder changed.
 */
export function inTransaction<T>(work: (tx: Tx) => Promise<T>, opts: { readCommitted?: boolean; timeoutMs?: number } = {}): Promise<T> {
  const timeout = opts.timeoutMs === undefined ? {} : { timeout: opts.timeoutMs };
  return opts.readCommitted ? db().$transaction(work, { isolationLevel: 'ReadCommitted', ...timeout }) : db().$transaction(work, timeout);
}

/** Set the status (and other columns) only if the image is live and still at `from`; false when it was not. */
export async function updateStatusIf(tx: Tx, id: string, from: string, data: { status: string } & Record<string, unknown>): Promise<boolean> {
  const res = await tx.image.updateMany({ where: { id, status: from, deleted: false }, data: { updatedAt: nowSeconds(), ...data } });
  return res.count === 1;
}

/** The image's status as stored (a deleted image's included), or null for no such row. */
export async function storedStatus(id: string, client: Db | Tx = db()): Promise<string | null> {
  return (await client.image.findUnique({ where: { id }, select: { status: true } }))?.status ?? null;
}

/** The images of these staged uploads, and every image marked uploading (deleted ones included). */
export async function imagesForStagingSweep(stagedIds: string[]) {
  return db().image.findMany({
    where: { OR: [{ id: { in: stagedIds } }, { status: 'uploading' }] },
    select: { id: true, status: true, deleted: true, updatedAt: true },
  });
}

/**
 * Soft-delete an image's locations, properties, tags and members; the locations
 * that were live. `locationStatus` pending_delete: a delayed delete, the data stays for the scrubber.
 */
export async function softDeleteChildren(tx: Tx, imageId: string, now: Date, locationStatus: 'deleted' | 'pending_delete' = 'deleted'): Promise<{ value: string; metaData: string | null }[]> {
  const live = await tx.imageLocation.findMany({ where: { imageId, deleted: false }, select: { value: true, metaData: true } });
  const soft = { deleted: true, deletedAt: now, updatedAt: now };
  await tx.imageLocation.updateMany({ where: { imageId, deleted: false }, data: { ...soft, status: locationStatus } });
  await tx.imageProperty.updateMany({ where: { imageId, deleted: false }, data: soft });
  await tx.imageTag.updateMany({ where: { imageId, deleted: false }, data: soft });
  await tx.imageMember.updateMany({ where: { imageId, deleted: false }, data: soft });
  return live;
}

/** A new active location for the image's data. */
export async function addActiveLocation(tx: Tx, imageId: string, location: string, metaData: string): Promise<void> {
  const now = nowSeconds();
  await tx.imageLocation.create({ data: { imageId, value: location, metaData, status: 'active', createdAt: now, updatedAt: now } });
}

/** Is this stored file a live location (of this image, when given)? */
export async function isLocationRecorded(location: string, imageId?: string): Promise<boolean> {
  const where = { value: location, deleted: false, ...(imageId === undefined ? {} : { imageId }) };
  return (await db().imageLocation.findFirst({ where, select: { id: true } })) !== null;
}

/**
 * Is the location live, read once any delete of its image in progress has
 * committed or rolled back (its image row locked first)? For data found set
 * aside by a delete: on a store shared by several nodes, another node may be
 * in the middle of that delete.
 */
export async function isLocationRecordedAfterDeletes(location: string): Promise<boolean> {
  const row = await db().imageLocation.findFirst({ where: { value: location }, select: { imageId: true } });
  if (!row) return false;
  return inTransaction(async (tx) => {
    await tx.$queryRaw`SELECT id FROM images WHERE id = ${row.imageId} FOR UPDATE`;
    return (await tx.imageLocation.findFirst({ where: { value: location, deleted: false }, select: { id: true } })) !== null;
  });
}

/** A new image row, with its properties and tags. */
export async function insertImage(tx: Tx, data: Prisma.ImageCreateInput): Promise<void> {
  await tx.image.create({ data });
}

/** Is there a row with this id (deleted or not)? */
export async function imageIdTaken(id: string): Promise<boolean> {
  return (await db().image.findUnique({ where: { id }, select: { id: true } })) !== null;
}

/** Add a tag and mark the image updated. */
export async function insertTag(tx: Tx, imageId: string, value: string, now: Date): Promise<void> {
  await tx.imageTag.create({ data: { imageId, value, createdAt: now, updatedAt: now } });
  await tx.image.update({ where: { id: imageId }, data: { updatedAt: now } });
}

/** Soft-delete a tag (Glance keeps removed tags) and mark the image updated. */
export async function softDeleteTag(tx: Tx, imageId: string, value: string, now: Date): Promise<void> {
  await tx.imageTag.updateMany({ where: { imageId, value, deleted: false }, data: { deleted: true, deletedAt: now, updatedAt: now } });
  await tx.image.update({ where: { id: imageId }, data: { updatedAt: now } });
}

export async function liveMembers(imageId: string) {
  return db().imageMember.findMany({ where: { imageId, deleted: false }, orderBy: { id: 'asc' } });
}

export async function liveMember(imageId: string, member: string) {
  return db().imageMember.findFirst({ where: { imageId, member, deleted: false } });
}

/** A new share, pending until the member answers; a duplicate is Prisma's P2002. */
export async function insertPendingMember(imageId: string, member: string) {
  const now = nowSeconds();
  return db().imageMember.create({ data: { imageId, member, status: 'pending', createdAt: now, updatedAt: now } });
}

export async function setMemberStatus(rowId: number, status: string) {
  return db().imageMember.update({ where: { id: rowId }, data: { status, updatedAt: nowSeconds() } });
}

export async function softDeleteMember(rowId: number): Promise<void> {
  const now = nowSeconds();
  await db().imageMember.update({ where: { id: rowId }, data: { deleted: true, deletedAt: now, updatedAt: now } });
}

/** One image event row (events.ts decides what goes in it). */
export async function insertEvent(tx: Tx, data: Prisma.ImageEventUncheckedCreateInput): Promise<void> {
  await tx.imageEvent.create({ data });
}

/** An image's events, oldest first (its timeline). */
export async function imageEventsOf(imageId: string) {
  return db().imageEvent.findMany({ where: { imageId }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
}

/** An image's live locations, in the order they were added. */
export async function liveLocations(imageId: string, client: Db | Tx = db()) {
  return client.imageLocation.findMany({ where: { imageId, deleted: false }, orderBy: { id: 'asc' } });
}

/** The live locations of several images (a page of a list), in the order they were added. */
export async function liveLocationsOf(imageIds: string[]) {
  return db().imageLocation.findMany({
    where: { imageId: { in: imageIds }, deleted: false },
    orderBy: { id: 'asc' },
    select: { imageId: true, value: true, metaData: true },
  });
}

/**
 * Mark an active image updated, locking its row for the rest of the
 * transaction; false when it is not (or no longer) active.
 */
export async function touchActiveImage(tx: Tx, id: string, now: Date): Promise<boolean> {
  const res = await tx.image.updateMany({ where: { id, status: 'active', deleted: false }, data: { updatedAt: now } });
  return res.count === 1;
}

/** Soft-delete one location, as Glance's image_location_delete(..., 'deleted'). */
export async function softDeleteLocation(tx: Tx, locationId: number, now: Date): Promise<void> {
  await tx.imageLocation.update({ where: { id: locationId }, data: { deleted: true, deletedAt: now, updatedAt: now, status: 'deleted' } });
}

/** How many images match `where`, per status. */
export async function countByStatus(where: Prisma.ImageWhereInput): Promise<Map<string, number>> {
  const groups = await db().image.groupBy({ by: ['status'], where, _count: { _all: true } });
  return new Map(groups.map((g) => [g.status, g._count._all]));
}

/** Now, to the second: Glance's DATETIME columns carry no fraction. */
export function nowSeconds(): Date {
  const d = new Date();
  d.setMilliseconds(0);
  return d;
}

/**
 * Glance's image_set_property_atomic: add the property only if the image has
 * no live one of that name (a soft-deleted row is revived); false when it has.
 */
export async function setPropertyAtomic(imageId: string, name: string, value: string): Promise<boolean> {
  const now = nowSeconds();
  const inserted = await db().$executeRaw`
    INSERT IGNORE INTO image_properties (image_id, name, value, created_at, updated_at, deleted)
    VALUES (${imageId}, ${name}, ${value}, ${now}, ${now}, 0)`;
  if (inserted === 1) return true;
  const revived = await db().$executeRaw`
    UPDATE image_properties SET value = ${value}, deleted = 0, deleted_at = NULL, updated_at = ${now}
    WHERE image_id = ${imageId} AND name = ${name} AND deleted = 1`;
  return revived === 1;
}

/** Glance's image_delete_property_atomic: remove the property only if it still has `value`; false when not. */
export async function deletePropertyAtomic(imageId: string, name: string, value: string): Promise<boolean> {
  const now = nowSeconds();
  const n = await db().$executeRaw`
    UPDATE image_properties SET deleted = 1, deleted_at = ${now}, updated_at = ${now}
    WHERE image_id = ${imageId} AND name = ${name} AND value = ${value} AND deleted = 0`;
  return n === 1;
}

/** A live property's value, or null. */
export async function liveProperty(imageId: string, name: string, client: Db | Tx = db()): Promise<string | null> {
  const row = await client.imageProperty.findFirst({ where: { imageId, name, deleted: false }, select: { value: true } });
  return row ? (row.value ?? '') : null;
}

/** Set (value) or remove (null) properties the service maintains itself, e.g. os_glance_importing_to_stores. */
export async function setServiceProperties(client: Db | Tx | undefined, imageId: string, values: Record<string, string | null>): Promise<void> {
  client ??= db();
  const now = nowSeconds();
  for (const [name, value] of Object.entries(values)) {
    if (value === null) {
      await client.imageProperty.updateMany({ where: { imageId, name, deleted: false }, data: { deleted: true, deletedAt: now, updatedAt: now } });
    } else {
      await client.$executeRaw`
        INSERT INTO image_properties (image_id, name, value, created_at, updated_at, deleted)
        VALUES (${imageId}, ${name}, ${value}, ${now}, ${now}, 0)
        ON DUPLICATE KEY UPDATE value = VALUES(value), deleted = 0, deleted_at = NULL, updated_at = VALUES(updated_at)`;
    }
  }
}

/** The size of the data staged for an image being staged (Glance sets it when PUT /stage ends). */
export async function setStagedSize(tx: Tx, id: string, size: number): Promise<void> {
  await tx.image.updateMany({ where: { id, status: 'uploading', deleted: false }, data: { size: BigInt(size), updatedAt: nowSeconds() } });
}

/** disk_format and container_format of an importing image (glance-download copies the remote image's, and reverts them). */
export async function setImportingFormats(client: Db | Tx | undefined, id: string, f: { diskFormat: string | null; containerFormat: string | null }): Promise<boolean> {
  const res = await (client ?? db()).image.updateMany({ where: { id, status: 'importing', deleted: false }, data: { ...f, updatedAt: nowSeconds() } });
  return res.count > 0;
}

// A project's usage as Glance's DB API counts it (user_get_storage_usage and
// friends in glance/db/sqlalchemy/api.py), for the quotas.
const GONE = ['killed', 'deleted', 'pending_delete'];
const IN_UPLOAD = ['saving', 'uploading', 'importing'];

/** Bytes of the owner's images: size × live locations, images with data that are not gone; `exceptImage` left out. */
export async function storageUsageOf(owner: string, exceptImage: string | null = null, client: Db | Tx = db()): Promise<number> {
  const [row] = await client.$queryRawUnsafe<{ total: bigint | number | null }[]>(
    `select sum(i.size * (select count(*) from image_locations l where l.image_id = i.id and l.deleted = 0 and l.status <> 'deleted')) as total
       from images i where i.owner = ? and i.id <> ? and i.size > 0 and i.deleted = 0 and i.status not in (?, ?, ?)`,
    owner, exceptImage ?? '', ...GONE,
  );
  return Number(row?.total ?? 0);
}

/** Bytes in staging: images uploading or importing, and images being copied to other stores (os_glance_importing_to_stores). */
export async function stagingUsageOf(owner: string, client: Db | Tx = db()): Promise<number> {
  const [row] = await client.$queryRawUnsafe<{ total: bigint | number | null }[]>(
    `select sum(i.size) as total from images i where i.owner = ? and i.size > 0 and i.deleted = 0 and (
       i.status in ('uploading', 'importing') or (i.status not in ('uploading', 'importing', ?, ?, ?) and exists (
         select 1 from image_properties p where p.image_id = i.id and p.deleted = 0 and p.name = 'os_glance_importing_to_stores' and p.value <> '')))`,
    owner, ...GONE,
  );
  return Number(row?.total ?? 0);
}

/** The owner's images that are not gone. */
export async function imageCountOf(owner: string, client: Db | Tx = db()): Promise<number> {
  return client.image.count({ where: { owner, deleted: false, status: { notIn: GONE } } });
}

/** The owner's images being uploaded, staged, imported or copied. */
export async function uploadingCountOf(owner: string, client: Db | Tx = db()): Promise<number> {
  const uploading = await client.image.count({ where: { owner, deleted: false, status: { in: IN_UPLOAD } } });
  const copying = await client.image.count({
    where: {
      owner, deleted: false, status: { notIn: [...IN_UPLOAD, ...GONE] },
      properties: { some: { deleted: false, name: 'os_glance_importing_to_stores', value: { not: '' } } },
    },
  });
  return uploading + copying;
}

// Delayed delete (lib/images/scrubber.ts, restore.ts): pending_delete images
// are deleted rows whose pending_delete locations still hold data.

/** Pending-delete images deleted at or before `before`, oldest first. */
export async function pendingDeletesDue(before: Date, limit: number): Promise<string[]> {
  const rows = await db().image.findMany({
    where: { status: 'pending_delete', deletedAt: { lte: before } },
    orderBy: [{ deletedAt: 'asc' }, { id: 'asc' }],
    select: { id: true },
    take: limit,
  });
  return rows.map((r) => r.id);
}

/** Every pending-delete image, for the admins' console view. */
export async function pendingDeleteImages() {
  return db().image.findMany({
    where: { status: 'pending_delete' },
    orderBy: [{ deletedAt: 'desc' }, { id: 'asc' }],
    select: { id: true, name: true, owner: true, size: true, deletedAt: true },
  });
}

/** Lock a pending-delete image row for scrubbing unless another node holds it: false when taken or no longer pending. */
export async function claimPendingDelete(tx: Tx, id: string): Promise<boolean> {
  const rows = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM images WHERE id = ${id} AND status = 'pending_delete' FOR UPDATE SKIP LOCKED`;
  return rows.length === 1;
}

/** Lock an image row (deleted ones too), waiting for its holder; its status and deletion time, or null. */
export async function lockAnyImage(tx: Tx, id: string): Promise<{ status: string; deletedAt: Date | null } | null> {
  if (!looksLikeImageId(id)) return null;
  const rows = await tx.$queryRaw<{ status: string; deleted_at: Date | null }[]>`SELECT status, deleted_at FROM images WHERE id = ${id} FOR UPDATE`;
  return rows.length === 1 ? { status: rows[0].status, deletedAt: rows[0].deleted_at } : null;
}

export async function pendingDeleteLocations(tx: Tx, imageId: string) {
  return tx.imageLocation.findMany({ where: { imageId, status: 'pending_delete' }, orderBy: { id: 'asc' }, select: { id: true, value: true, metaData: true } });
}

export async function markLocationScrubbed(tx: Tx, locationId: number): Promise<void> {
  await tx.imageLocation.update({ where: { id: locationId }, data: { status: 'deleted', updatedAt: nowSeconds() } });
}

/** The row of a scrubbed image: from pending_delete to deleted (it is already marked deleted). */
export async function markImageScrubbed(tx: Tx, id: string): Promise<boolean> {
  const res = await tx.image.updateMany({ where: { id, status: 'pending_delete' }, data: { status: 'deleted', updatedAt: nowSeconds() } });
  return res.count === 1;
}

/**
 * Undo a delayed delete: the image row live and active again, its
 * pending_delete locations active, and the properties, tags and members the
 * delete removed with it (those deleted at the same second) back.
 */
export async function undeleteImage(tx: Tx, id: string, deletedAt: Date): Promise<number> {
  const now = nowSeconds();
  const live = { deleted: false, deletedAt: null, updatedAt: now };
  await tx.image.update({ where: { id }, data: { ...live, status: 'active' } });
  const locations = await tx.imageLocation.updateMany({ where: { imageId: id, status: 'pending_delete' }, data: { ...live, status: 'active' } });
  await tx.imageProperty.updateMany({ where: { imageId: id, deleted: true, deletedAt }, data: live });
  await tx.imageTag.updateMany({ where: { imageId: id, deleted: true, deletedAt }, data: live });
  await tx.imageMember.updateMany({ where: { imageId: id, deleted: true, deletedAt }, data: live });
  return locations.count;
}
