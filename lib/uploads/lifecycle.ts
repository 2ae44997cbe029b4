// An image's way through a browser (tus) upload:
//   queued → uploading   when the first chunk arrives
//   uploading → importing when the last chunk is staged
//   importing → active    once the staged file is hashed and moved (or copied) into the store
// and back to queued when the upload is cancelled, expires, or the import fails.
// Every step goes through lib/images/status.ts, so each leaves an image event.
import { getConfig } from '@/lib/config';
import { isDatabaseUnavailable } from '@/lib/db/unavailable';
import { retryWhenDatabaseIsBack } from '@/lib/db/when-back';
import type { Actor } from '@/lib/images/actor';
import { recordEvent } from '@/lib/images/events';
import { findLiveImage, inTransaction } from '@/lib/images/repository';
import { activateWithData, assertMayBeginUpload, beginUpload, changeStatus, restoreToQueued } from '@/lib/images/status';
import { InvalidTransitionError } from '@/lib/images/state-machine';
import { ContentInspection } from '@/lib/images/content-check';
import { targetStore } from '@/lib/images/upload-download';
import { logger } from '@/lib/log';
import { thisNode } from '@/lib/nodes/identity';
import { releaseUploadOf } from '@/lib/nodes/upload-owners';
import { stores } from '@/lib/stores';
import { storageError } from '@/lib/stores/errors';
import { findStaged, removeStaged, stagedPath } from './staging';
import { UPLOAD_METADATA } from './upload-metadata';
import { importStagedUpload } from '@/lib/imports/start';

/** May a (new) staged upload start for this image? Only before data exists: queued, or staging already. */
export function assertCanStage(status: string): void {
  if (status !== 'uploading') assertMayBeginUpload(status, 'uploading');
}

/** First bytes of a staged upload: queued → uploading (once). `status`: the image's, if just read. */
export async function markUploading(actor: Actor, id: string, status?: string): Promise<void> {
  const current = status ?? (await findLiveImage(id))?.status;
  if (current === undefined) return;
  assertCanStage(current);
  if (current !== 'queued') return;
  try {
    await beginUpload(actor, id, current, 'uploading');
  } catch (err) {
    if (!(err instanceof InvalidTransitionError)) throw err; // a concurrent chunk moved it first
  }
}

/**
 * The last chunk is staged: record it and import it as a glance-direct import
 * task would (lib/imports: a task row, the lock, the same run); resolves once
 * the image is importing, the import goes on in the background.
 */
export async function finishStaging(actor: Actor, id: string, size: number): Promise<void> {
  await markUploading(actor, id); // a zero-byte upload finishes without a PATCH
  const image = await findLiveImage(id);
  if (!image || image.status !== 'uploading') throw new InvalidTransitionError(image?.status ?? 'deleted', 'importing');
  await inTransaction((tx) => recordEvent(tx, actor, { imageId: id, action: 'staged', reason: `${size} bytes staged` }));
  const staged = await findStaged(id);
  await importStagedUpload(actor, id, image.owner, staged?.metadata?.[UPLOAD_METADATA.store] || null);
}

/** Cancel (tus termination) or expiry: staged data gone, image back to queued. */
export async function abandonUpload(actor: Actor, id: string, action: 'upload_cancelled' | 'upload_expired', reason: string): Promise<void> {
  await removeStaged(id);
  // Still queued (no chunk arrived): only the record that this node stages it goes.
  if (!(await restoreToQueued(actor, id, 'uploading', action, reason))) await releaseUploadOf(id, thisNode().id);
}

/**
 * Stream the staged file into its store (which hashes and inspects it, as
 * for PUT /file: refused content never reaches the store), then activate the image with its size, checksums and location. The staged
 * copy is removed whatever happens; a failed import returns the image to queued.
 */
export async function importStaged(actor: Actor, id: string): Promise<void> {
  try {
    await importOnce(actor, id);
  } catch (err) {
    if (!isDatabaseUnavailable(err)) throw err;
    // Run again once the database answers: it finishes, or finds the staged
    // data consumed and returns the image to queued.
    retryWhenDatabaseIsBack(`import of image ${id}`, () => importOnce(actor, id));
  }
}

async function importOnce(actor: Actor, id: string): Promise<void> {
  const staged = await findStaged(id);
  const image = await findLiveImage(id);
  if (!image || image.status !== 'importing') {
    await removeStaged(id);
    return;
  }
  if (!staged || staged.size === undefined || staged.offset !== staged.size) {
    await removeStaged(id);
    // A restart right after the staged file was moved into the store, before
    // the commit: that file is nobody's now (an importing image has no location).
    await restoreToQueued(actor, id, 'importing', 'import_failed', 'the staged data is missing or incomplete', 'unrecorded');
    return;
  }
  const inspection = new ContentInspection(image.diskFormat, image.containerFormat);
  let stored;
  try {
    // The store chosen when the upload was created (checked then: see store-choice.ts); none: the default.
    const target = targetStore(staged.metadata?.[UPLOAD_METADATA.store] || null);
    await target.removePartial(id); // a previous attempt cut short by a restart
    stored = await target.adopt(id, stagedPath(id), { size: staged.size, cap: getConfig().imageSizeCap, check: inspection });
  } catch (err) {
    await removeStaged(id);
    // In Glance's words (no store paths) when the store itself failed.
    await restoreToQueued(actor, id, 'importing', 'import_failed', storageError(err));
    return;
  }
  // Not needed past this point whatever happens, and gone before the image is
  // seen active (a leftover is swept by maintenance.ts).
  await removeStaged(id).catch((err) => logger.warn({ err, imageId: id }, 'could not remove staged data after its import'));
  try {
    await activateWithData(actor, id, 'importing', stored, inspection.virtualSize);
  } catch (err) {
    // Unanswered commit: whether the file is the image's is decided when the database is back.
    if (isDatabaseUnavailable(err)) throw err;
    // Deleted while importing: keep no data for it.
    await stores().byId(stored.store)?.remove(stored.location);
    if (!(err instanceof InvalidTransitionError)) await restoreToQueued(actor, id, 'importing', 'import_failed', err);
  }
}
