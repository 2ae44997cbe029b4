// Image operations: the domain service behind the /v2 route handlers and the
// console. Every status change goes through status.ts, which enforces the
// state machine and records the event.
import { randomUUID } from 'node:crypto';
import type { RequestContext } from '@/lib/auth/context';
import { BadRequest, Conflict, Forbidden, GlanceError, NotFound } from '@/lib/errors';
import { canSee, enforceAddImage, enforceOnImage } from '@/lib/policy';
import { logger } from '@/lib/log';
import { removePartialEverywhere, stores, type StoreDriver } from '@/lib/stores';
import type { DetachedData } from '@/lib/stores/driver';
import { allowsAction } from './state-machine';
import { changeStatus } from './status';
import { assertValidImage } from './schema';
import { recordEvent } from './events';
import { findLiveImage, imageIdTaken, inTransaction, insertImage, insertTag, nowSeconds, reload, softDeleteChildren, softDeleteTag, type Tx } from './repository';
import { imageView, type ImageView } from './view';
import { withStoresOne } from './locations';
import { deleteLater, deletesLater } from './delayed-delete';
import { assertDbIntegers, assertPropertyName, assertPropertyValue, findNameClash, propertyNameClash } from './limits';
import { assertCanCreateImage } from '@/lib/quotas/enforce';
import { assertPropertyQuota, assertTagQuota, assertTagQuotaForNewTag } from './quotas';

/** Glance's base image attributes; any other key in a create body is a custom property. */
const BASE_PROPERTIES = ['checksum', 'created_at', 'container_format', 'disk_format', 'id', 'min_disk', 'min_ram', 'name', 'size', 'virtual_size', 'status', 'tags', 'owner', 'updated_at', 'visibility', 'protected', 'os_hidden'];
/** Refused outright in a create body (Glance's _disallowed_properties). */
const DISALLOWED_ON_CREATE = ['direct_url', 'self', 'file', 'schema', 'stores'];
/** Read-only base attributes a create body may not set (Glance's ImageFactory order). */
const READ_ONLY_ON_CREATE = ['created_at', 'updated_at', 'status', 'checksum', 'os_hash_algo', 'os_hash_value', 'size', 'virtual_size'];
/** Custom property names reserved for Glance itself. */
const RESERVED = ['location', 'deleted', 'deleted_at'];
const RESERVED_NAMESPACE = 'os_glance';
/** Reserved by the domain layer on create; reported with the plain explanation. */
const RESERVED_ON_CREATE = ['owner', 'locations', 'deleted', 'deleted_at', 'direct_url', 'self', 'file', 'schema'];

export function isReservedProperty(key: string): boolean {
  return RESERVED.includes(key) || key.startsWith(RESERVED_NAMESPACE);
}

/** Glance's "Invalid value ... Cannot be a negative value" (min_disk is checked first, as its domain model does). */
export function assertNonNegative(doc: Record<string, unknown>): void {
  for (const key of ['min_disk', 'min_ram']) {
    const v = doc[key];
    if (typeof v === 'number' && v < 0) throw new BadRequest(`Invalid value '${v}' for parameter '${key}': Cannot be a negative value`);
  }
}

/** Python's '%s' of an owner, for messages. */
function pyStr(v: unknown): string {
  return v === null || v === undefined ? 'None' : String(v);
}

/** The image, if this context may see it; otherwise 404 exactly as for a missing one. */
export async function loadVisible(ctx: RequestContext, id: string, client?: Tx) {
  const image = await findLiveImage(id, client);
  if (!image || !canSee(ctx, image)) throw new NotFound(`No image found with ID ${id}`);
  return image;
}

/** Validate a create body in Glance's order, so each mistake gets Glance's status and message. */
export function parseCreateBody(body: unknown): NewImage {
  // Glance answers 500 for a JSON list here (a bug); a 400 says what is wrong.
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new BadRequest('Request body must be a JSON object.');
  const doc = body as Record<string, unknown>;
  for (const key of DISALLOWED_ON_CREATE) if (Object.hasOwn(doc, key)) throw new Forbidden(`Attribute '${key}' is read-only.`);
  assertValidImage(doc);
  const custom = Object.entries(doc).filter(([k]) => !BASE_PROPERTIES.includes(k));
  for (const [key] of custom) {
    assertPropertyName(key);
    if (isReservedProperty(key)) throw GlanceError.withDetail(new Forbidden(), `Attribute '${key}' is reserved.`);
  }
  return { doc, custom: custom as [string, string][] };
}

/** A parsed create body: the attributes as sent, and the custom properties among them. */
export interface NewImage {
  doc: Record<string, unknown>;
  custom: [string, string][];
}

export async function createImage(ctx: RequestContext, { doc, custom }: NewImage): Promise<ImageView> {
  const owner = Object.hasOwn(doc, 'owner') ? (doc.owner as string | null) : ctx.projectId;
  enforceAddImage(ctx, owner, doc.visibility as string | undefined, pyStr(owner));
  await assertCanCreateImage(ctx);
  const visibility = (doc.visibility as string | undefined) ?? 'shared';
  // Glance's order: the tag quota (image factory), then the domain's checks, the property quota (repository), the DB's.
  assertTagQuota((doc.tags as string[] | undefined) ?? []);
  for (const key of READ_ONLY_ON_CREATE) if (Object.hasOwn(doc, key)) throw new Forbidden(`Attribute '${key}' is read-only.`);
  for (const key of RESERVED_ON_CREATE) if (custom.some(([k]) => k === key)) throw new Forbidden(`Attribute '${key}' is reserved.`);
  assertNonNegative(doc);
  assertPropertyQuota(custom.map(([k]) => k));
  assertDbIntegers(doc);
  for (const [, value] of custom) assertPropertyValue(value);
  const clash = findNameClash(custom.map(([k]) => k));
  if (clash) throw propertyNameClash(...clash);

  // Kept as the client wrote it, as Glance does (lookups are case-insensitive in MariaDB).
  const id = (doc.id as string | undefined) ?? randomUUID();
  const now = nowSeconds();
  const tags = [...new Set((doc.tags as string[] | undefined) ?? [])];
  try {
    await inTransaction(async (tx) => {
      await insertImage(tx, {
        id,
        name: (doc.name as string | null | undefined) ?? null,
        status: 'queued',
        createdAt: now,
        updatedAt: now,
        diskFormat: (doc.disk_format as string | null | undefined) ?? null,
        containerFormat: (doc.container_format as string | null | undefined) ?? null,
        owner,
        minDisk: (doc.min_disk as number | undefined) ?? 0,
        minRam: (doc.min_ram as number | undefined) ?? 0,
        protected: (doc.protected as boolean | undefined) ?? false,
        visibility: visibility as 'private' | 'public' | 'shared' | 'community',
        osHidden: (doc.os_hidden as boolean | undefined) ?? false,
        properties: { create: custom.map(([name, value]) => ({ name, value, createdAt: now, updatedAt: now })) },
        tags: { create: tags.map((value) => ({ value, createdAt: now, updatedAt: now })) },
      });
      await recordEvent(tx, ctx, { imageId: id, action: 'created', to: 'queued' });
    });
  } catch (err) {
    if ((err as { code?: string }).code === 'P2002') {
      // The id, or two property names only the database's collation takes for one.
      if (await imageIdTaken(id)) throw new Conflict(`Image ID ${id} already exists!`);
      throw propertyNameClash(null, null);
    }
    throw err;
  }
  return imageView(await reload(id));
}

export async function showImage(ctx: RequestContext, id: string): Promise<ImageView> {
  const image = await loadVisible(ctx, id);
  enforceOnImage(ctx, 'get_image', image);
  return withStoresOne(ctx, imageView(image));
}

export async function deleteImage(ctx: RequestContext, id: string): Promise<void> {
  const image = await findLiveImage(id);
  if (!image || !canSee(ctx, image)) throw new NotFound(`Failed to find image ${id} to delete`);
  enforceOnImage(ctx, 'delete_image', image);
  if (image.protected) throw new Forbidden(`Image ${id} is protected and cannot be deleted.`);
  if (await deletesLater(image, ctx.isAdmin)) return deleteLater(ctx, id, image.status);
  const now = nowSeconds();
  // The data is moved aside while the image's row is locked, and removed only
  // once the delete is committed: a store that cannot delete (403, as
  // glance_store's Forbidden) or a failed commit leaves row and file as they were.
  const detached: (DetachedData & { holder: StoreDriver })[] = [];
  try {
    await inTransaction(async (tx) => {
      await changeStatus(tx, ctx, id, image.status, 'deleted', 'deleted', { deleted: true, deletedAt: now });
      for (const location of await softDeleteChildren(tx, id, now)) {
        const holder = stores().forLocation(location.value, location.metaData);
        const d = holder ? await holder.detach(location.value, id) : null;
        if (d && holder) detached.push({ ...d, holder });
      }
    });
  } catch (err) {
    for (const d of detached) await d.holder.reattach(d).catch((e) => logger.error({ err: e, imageId: id }, 'could not put back the data of an image whose delete failed'));
    throw err;
  }
  // A crash before these leaves files aside; start-up finishes the job (lib/startup.ts).
  for (const d of detached) await d.holder.purge(d).catch((e) => logger.warn({ err: e, imageId: id }, 'deleted image data left aside'));
  await removePartialEverywhere(id).catch((e) => logger.warn({ err: e, imageId: id }, 'partial upload of a deleted image left behind'));
}

// Glance's defaults: admins, and members of the owning project.
export async function deactivateImage(ctx: RequestContext, id: string): Promise<void> {
  const image = await loadVisible(ctx, id);
  enforceOnImage(ctx, 'deactivate', image);
  if (image.status === 'deactivated') return; // Glance: idempotent 204
  if (!allowsAction(image.status, 'deactivated', 'deactivated')) throw new Forbidden(`Not allowed to deactivate image in status '${image.status}'`);
  await inTransaction((tx) => changeStatus(tx, ctx, id, image.status, 'deactivated', 'deactivated'));
}

export async function reactivateImage(ctx: RequestContext, id: string): Promise<void> {
  const image = await loadVisible(ctx, id);
  enforceOnImage(ctx, 'reactivate', image);
  if (image.status === 'active') return;
  if (!allowsAction(image.status, 'active', 'reactivated')) throw new Forbidden(`Not allowed to reactivate image in status '${image.status}'`);
  await inTransaction((tx) => changeStatus(tx, ctx, id, image.status, 'active', 'reactivated'));
}

/** The image for a tag operation, with the tags API's own 404; tags are a modify_image. */
async function loadForTags(ctx: RequestContext, id: string) {
  const image = await findLiveImage(id);
  if (!image || !canSee(ctx, image)) throw new NotFound(`Image ${id} not found.`);
  enforceOnImage(ctx, 'modify_image', image);
  return image;
}

export async function addTag(ctx: RequestContext, id: string, tag: string): Promise<void> {
  assertValidImage({ tags: [tag] });
  const image = await loadForTags(ctx, id);
  if (image.tags.some((t) => t.value === tag)) return;
  assertTagQuotaForNewTag(id, image.tags.length + 1);
  const now = nowSeconds();
  await inTransaction(async (tx) => {
    await insertTag(tx, id, tag, now);
    await recordEvent(tx, ctx, { imageId: id, action: 'updated', reason: `add tag ${tag}` });
  });
}

export async function removeTag(ctx: RequestContext, id: string, tag: string): Promise<void> {
  const image = await loadForTags(ctx, id);
  if (!image.tags.some((t) => t.value === tag)) throw new NotFound();
  const now = nowSeconds();
  await inTransaction(async (tx) => {
    await softDeleteTag(tx, id, tag, now);
    await recordEvent(tx, ctx, { imageId: id, action: 'updated', reason: `remove tag ${tag}` });
  });
}
