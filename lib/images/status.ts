// Image status changes: the one module that moves an image between statuses.
// Each change is a conditional update (only from the status the caller saw)
// checked against the state table for its cause, with an image event in the
// same transaction. PUT /file, the staged (tus) upload and its import, the
// sweeper, start-up repair, delete, deactivate and reactivate all come here.
import { isDatabaseUnavailable } from '@/lib/db/unavailable';
import { retryWhenDatabaseIsBack } from '@/lib/db/when-back';
import { Conflict } from '@/lib/errors';
import { logger } from '@/lib/log';
import { stores } from '@/lib/stores';
import type { StoredData } from '@/lib/stores/driver';
import { recordServingNode, releaseUpload } from '@/lib/nodes/upload-owners';
import type { Actor } from './actor';
import { recordEvent } from './events';
import { addStoredLocation } from './locations';
import { inTransaction, isLocationRecorded, storedStatus, updateStatusIf, type Tx } from './repository';
import { allowsAction, assertAction, InvalidTransitionError, type ImageStatus, type TransitionAction } from './state-machine';

/** Statuses in which a node is receiving or importing the image's data. */
const IN_PROGRESS: ReadonlySet<string> = new Set(['saving', 'uploading', 'importing']);

/**
 * Move an image from `from` to `to` because of `action`, if the table allows
 * it and nobody changed the status meanwhile; InvalidTransitionError if not.
 * Entering an upload status records this node as the one serving it; leaving
 * it (or a queued image's staged upload) forgets the node, in the same
 * transaction, so another node's repair sees exactly who serves what.
 */
export async function changeStatus(
  tx: Tx,
  actor: Actor,
  imageId: string,
  from: string,
  to: ImageStatus,
  action: TransitionAction,
  columns: Record<string, unknown> = {},
  reason?: string,
): Promise<void> {
  assertAction(from, to, action);
  if (!(await updateStatusIf(tx, imageId, from, { ...columns, status: to }))) {
    throw new InvalidTransitionError((await storedStatus(imageId, tx)) ?? 'deleted', to);
  }
  if (IN_PROGRESS.has(to)) await recordServingNode(tx, imageId);
  else if (from === 'queued' || IN_PROGRESS.has(from)) await releaseUpload(tx, imageId);
  await recordEvent(tx, actor, { imageId, action, from, to, reason });
}

/** changeStatus in its own transaction, tolerating that the image already left `from`: false then. */
export async function moveIfAt(actor: Actor, id: string, from: ImageStatus, to: ImageStatus, action: TransitionAction, reason?: string): Promise<boolean> {
  try {
    await inTransaction((tx) => changeStatus(tx, actor, id, from, to, action, {}, reason));
    return true;
  } catch (err) {
    if (err instanceof InvalidTransitionError) return false;
    throw err;
  }
}

export type ReceivingStatus = 'saving' | 'uploading';

/** 409 unless data may start arriving in an image at `current` (the table: only a queued one). */
export function assertMayBeginUpload(current: string, to: ReceivingStatus): void {
  if (!allowsAction(current, to, 'upload_started')) throw new Conflict(new InvalidTransitionError(current, to).message);
}

/** Data starts arriving: queued → saving (PUT /file) or queued → uploading (a staged upload). */
export async function beginUpload(actor: Actor, id: string, current: string, to: ReceivingStatus): Promise<void> {
  assertMayBeginUpload(current, to);
  await inTransaction((tx) => changeStatus(tx, actor, id, 'queued', to, 'upload_started'));
}

/** The data statuses an image is activated from, and the cause of each. */
const ACTIVATED_BY = { saving: 'upload_finished', importing: 'imported' } as const satisfies Record<string, TransitionAction>;

/** The stored data is the image's: its location, size, checksums and virtual size recorded, and the image active. */
export async function activateWithData(actor: Actor, id: string, from: keyof typeof ACTIVATED_BY, stored: StoredData, virtualSize: number | null): Promise<void> {
  await inTransaction(async (tx) => {
    await changeStatus(tx, actor, id, from, 'active', ACTIVATED_BY[from], {
      size: BigInt(stored.size),
      virtualSize: virtualSize === null ? null : BigInt(virtualSize),
      checksum: stored.checksum,
      osHashAlgo: stored.osHashAlgo,
      osHashValue: stored.osHashValue,
    });
    await addStoredLocation(tx, id, stored);
  });
}

/** What a failed data operation may have left in the store, to remove before requeueing. */
export type LeftData = { location: string } | 'unrecorded' | 'none';

/** The reason an event keeps: the error's own message. */
export function reasonOf(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}

/**
 * Back to queued after a failed, abandoned or interrupted upload, its partial
 * data removed first (Glance's _restore()). False when the image had already
 * left `from` (deleted meanwhile, or restored by someone else).
 */
export async function restoreToQueued(actor: Actor, id: string, from: 'saving' | 'uploading' | 'importing', action: TransitionAction, cause: unknown, left: LeftData = 'none'): Promise<boolean> {
  if (left === 'unrecorded') await Promise.all(stores().all().map((s) => s.removeUnrecorded(id)));
  else if (left !== 'none') await stores().forLocation(left.location)?.remove(left.location);
  return moveIfAt(actor, id, from, 'queued', action, reasonOf(cause));
}

/** restoreToQueued, or, while the database is unreachable, as soon as it is back. */
export async function restoreToQueuedWhenPossible(actor: Actor, id: string, from: 'saving' | 'uploading' | 'importing', action: TransitionAction, cause: unknown): Promise<void> {
  try {
    await restoreToQueued(actor, id, from, action, cause);
  } catch (err) {
    if (!isDatabaseUnavailable(err)) throw err;
    retryWhenDatabaseIsBack(`return image ${id} to queued`, () => restoreToQueued(actor, id, from, action, cause).then(() => undefined));
  }
}

/**
 * An activation whose commit went unanswered (the database dropped): only once
 * it answers again can we tell whether the file is the image's. Kept if its
 * location was recorded; otherwise removed and the image requeued.
 */
export function settleUnconfirmedActivation(actor: Actor, id: string, from: 'saving', location: string): void {
  retryWhenDatabaseIsBack(`settle the upload of image ${id}`, async () => {
    if (await isLocationRecorded(location, id)) return;
    await restoreToQueued(actor, id, from, 'upload_failed', 'the database could not be reached when the upload ended', { location });
  });
}

/**
 * An upload whose node stopped: back to queued first (so that node, should it
 * still finish, finds the image moved on and keeps nothing), then whatever
 * it left in the stores removed. False when the image had already moved on.
 */
export async function requeueOrphanedUpload(actor: Actor, id: string, from: 'saving' | 'uploading' | 'importing', action: TransitionAction, reason: string): Promise<boolean> {
  if (!(await moveIfAt(actor, id, from, 'queued', action, reason))) return false;
  // An upload or import has no location recorded: any data of its id is unrecorded.
  if (from !== 'uploading') await Promise.all(stores().all().map((s) => s.removeUnrecorded(id)));
  return true;
}
