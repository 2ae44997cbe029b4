// Image operations: the domain service behind the /v2 route handlers and the
// console. Every status change goes through changeStatus(), which enforces the
// state machine and records the event.
import { randomUUID } from 'node:crypto';
import type { RequestContext } from '@/lib/auth/context';
import { db } from '@/lib/db/client';
import { BadRequest, Conflict, Forbidden, NotFound } from '@/lib/errors';
import { assertAdmin, assertCanModify, assertCanSetVisibility, canSee } from '@/lib/policy';
import { store } from '@/lib/stores';
import { assertTransition, InvalidTransitionError, type ImageStatus } from './state-machine';
import { assertValidImage, READ_ONLY_ATTRIBUTES } from './schema';
import { recordEvent, type EventAction } from './events';
import { findLiveImage, nowSeconds, reload, type Tx } from './repository';
import { imageView, type ImageView } from './view';

/** Core attributes stored as columns; anything else is a custom property. */
const CORE_WRITABLE = ['id', 'name', 'disk_format', 'container_format', 'visibility', 'protected', 'min_ram', 'min_disk', 'owner', 'os_hidden', 'tags'] as const;
const RESERVED = ['deleted', 'deleted_at', 'location', 'locations', 'direct_url'];

export function assertSettable(key: string): void {
  if (READ_ONLY_ATTRIBUTES.includes(key)) throw new Forbidden(`Attribute '${key}' is read-only.`);
  if (RESERVED.includes(key) || key.startsWith('os_glance')) throw new Forbidden(`Attribute '${key}' is reserved.`);
}

export function assertNonNegative(doc: Record<string, unknown>): void {
  for (const key of ['min_ram', 'min_disk']) {
    const v = doc[key];
    if (typeof v === 'number' && v < 0) throw new BadRequest(`Invalid value '${v}' for parameter '${key}': Cannot be a negative value`);
  }
}

/** The image, if this context may see it; otherwise 404 exactly as for a missing one. */
export async function loadVisible(ctx: RequestContext, id: string, client?: Tx) {
  const image = await findLiveImage(id, client);
  if (!image || !canSee(ctx, image)) throw new NotFound(`No image found with ID ${id}`);
  return image;
}

/**
 * Move an image from one status to another, if the state machine allows it and
 * nobody changed the status meanwhile (a conditional update, not a blind write).
 */
export async function changeStatus(
  tx: Tx,
  ctx: RequestContext | null,
  imageId: string,
  from: string,
  to: ImageStatus,
  action: EventAction,
  extra: Record<string, unknown> = {},
  reason?: string,
): Promise<void> {
  assertTransition(from, to);
  const res = await tx.image.updateMany({
    where: { id: imageId, status: from, deleted: false },
    data: { status: to, updatedAt: nowSeconds(), ...extra },
  });
  if (res.count !== 1) {
    const current = await tx.image.findUnique({ where: { id: imageId }, select: { status: true } });
    throw new InvalidTransitionError(current?.status ?? 'deleted', to);
  }
  await recordEvent(tx, ctx, { imageId, action, from, to, reason });
}

export async function createImage(ctx: RequestContext, body: unknown): Promise<ImageView> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new BadRequest('Request body must be a JSON object.');
  }
  const doc = body as Record<string, unknown>;
  for (const key of Object.keys(doc)) assertSettable(key);
  assertValidImage(doc);
  assertNonNegative(doc);
  const visibility = (doc.visibility as string | undefined) ?? 'shared';
  assertCanSetVisibility(ctx, visibility);
  const owner = doc.owner === undefined ? ctx.projectId : (doc.owner as string | null);
  if (owner !== ctx.projectId && !ctx.isAdmin) {
    throw new Forbidden(`You are not permitted to create images owned by '${owner}'.`);
  }
  const id = (doc.id as string | undefined)?.toLowerCase() ?? randomUUID();
  const now = nowSeconds();
  const custom = Object.entries(doc).filter(([k]) => !(CORE_WRITABLE as readonly string[]).includes(k));
  for (const [k] of custom) {
    if (k.length > 255) throw new BadRequest(`Property name '${k.slice(0, 40)}...' is too long (at most 255 characters).`);
  }
  const tags = [...new Set((doc.tags as string[] | undefined) ?? [])];

  try {
    await db().$transaction(async (tx) => {
      await tx.image.create({
        data: {
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
          properties: { create: custom.map(([name, value]) => ({ name, value: value as string, createdAt: now, updatedAt: now })) },
          tags: { create: tags.map((value) => ({ value, createdAt: now, updatedAt: now })) },
        },
      });
      await recordEvent(tx, ctx, { imageId: id, action: 'created', to: 'queued' });
    });
  } catch (err) {
    if ((err as { code?: string }).code === 'P2002') throw new Conflict(`Image ID ${id} already exists!`);
    throw err;
  }
  return imageView(await reload(id));
}

export async function showImage(ctx: RequestContext, id: string): Promise<ImageView> {
  return imageView(await loadVisible(ctx, id));
}

export async function deleteImage(ctx: RequestContext, id: string): Promise<void> {
  const image = await findLiveImage(id);
  if (!image || !canSee(ctx, image)) throw new NotFound(`Failed to find image ${id} to delete`);
  assertCanModify(ctx, image);
  if (image.protected) throw new Forbidden(`Image ${id} is protected and cannot be deleted.`);
  const now = nowSeconds();
  const locations = await db().$transaction(async (tx) => {
    await changeStatus(tx, ctx, id, image.status, 'deleted', 'deleted', { deleted: true, deletedAt: now });
    const live = await tx.imageLocation.findMany({ where: { imageId: id, deleted: false } });
    const soft = { deleted: true, deletedAt: now, updatedAt: now };
    await tx.imageLocation.updateMany({ where: { imageId: id, deleted: false }, data: { ...soft, status: 'deleted' } });
    await tx.imageProperty.updateMany({ where: { imageId: id, deleted: false }, data: soft });
    await tx.imageTag.updateMany({ where: { imageId: id, deleted: false }, data: soft });
    await tx.imageMember.updateMany({ where: { imageId: id, deleted: false }, data: soft });
    return live;
  });
  // Data goes after the rows: a crash in between leaves a file, never a row pointing at nothing.
  for (const loc of locations) await store().remove(loc.value);
  await store().removePartial(id);
}

export async function deactivateImage(ctx: RequestContext, id: string): Promise<void> {
  const image = await loadVisible(ctx, id);
  assertAdmin(ctx, 'deactivate');
  if (image.status === 'deactivated') return; // Glance: idempotent 204
  if (image.status !== 'active') throw new Forbidden(`Not allowed to deactivate image in status '${image.status}'`);
  await db().$transaction((tx) => changeStatus(tx, ctx, id, 'active', 'deactivated', 'deactivated'));
}

export async function reactivateImage(ctx: RequestContext, id: string): Promise<void> {
  const image = await loadVisible(ctx, id);
  assertAdmin(ctx, 'reactivate');
  if (image.status === 'active') return;
  if (image.status !== 'deactivated') throw new Forbidden(`Not allowed to reactivate image in status '${image.status}'`);
  await db().$transaction((tx) => changeStatus(tx, ctx, id, 'deactivated', 'active', 'reactivated'));
}

export async function addTag(ctx: RequestContext, id: string, tag: string): Promise<void> {
  const image = await loadVisible(ctx, id);
  assertCanModify(ctx, image);
  if (tag.length > 255) throw new BadRequest(`Provided object does not match schema 'image': '${tag}' is too long`);
  if (image.tags.some((t) => t.value === tag)) return;
  const now = nowSeconds();
  await db().$transaction([
    db().imageTag.create({ data: { imageId: id, value: tag, createdAt: now, updatedAt: now } }),
    db().image.update({ where: { id }, data: { updatedAt: now } }),
  ]);
}

export async function removeTag(ctx: RequestContext, id: string, tag: string): Promise<void> {
  const image = await loadVisible(ctx, id);
  assertCanModify(ctx, image);
  const now = nowSeconds();
  const res = await db().imageTag.deleteMany({ where: { imageId: id, value: tag, deleted: false } });
  if (res.count === 0) throw new NotFound(`Tag ${tag} not found`);
  await db().image.update({ where: { id }, data: { updatedAt: now } });
}

