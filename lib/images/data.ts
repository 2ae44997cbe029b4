// Image data: PUT /file (upload) and GET /file (download, with Range).
import type { RequestContext } from '@/lib/auth/context';
import { getConfig } from '@/lib/config';
import { db } from '@/lib/db/client';
import { isDatabaseUnavailable } from '@/lib/db/unavailable';
import { retryWhenDatabaseIsBack } from '@/lib/db/when-back';
import { BadRequest, Conflict, Forbidden, GlanceError } from '@/lib/errors';
import { enforceOnImage } from '@/lib/policy';
import { store } from '@/lib/stores';
import { ImageDataGone, type ChunkSink } from '@/lib/stores/filesystem';
import { InvalidTransitionError } from './state-machine';
import { activeLocation, nowSeconds } from './repository';
import { changeStatus, loadVisible } from './service';
import { ContentInspection } from './content-check';

export interface UploadInput {
  body: AsyncIterable<Uint8Array>;
  contentLength: number | null;
}

const goneMessage = (id: string) =>
  `Image ${id} could not be found after upload. The image may have been deleted during the upload, cleaning up the chunks uploaded.`;

/**
 * PUT /file: queued → saving → active, the data streamed to the store while
 * hashed and inspected. Any failure (content refused by the inspection
 * included) removes the partial data and returns the image to queued, as
 * Glance's _restore() does; a delete during the upload is 410.
 */
export async function uploadImageData(ctx: RequestContext, id: string, input: UploadInput): Promise<void> {
  const image = await loadVisible(ctx, id);
  enforceOnImage(ctx, 'upload_image', image);
  if (image.status !== 'queued') throw new Conflict(new InvalidTransitionError(image.status, 'saving').message);
  await db().$transaction((tx) => changeStatus(tx, ctx, id, 'queued', 'saving', 'upload_started'));

  const inspection = new ContentInspection(image.diskFormat, image.containerFormat);
  let stored;
  try {
    stored = await store().add(id, input.body, { expectedSize: input.contentLength, cap: getConfig().imageSizeCap, check: inspection });
  } catch (err) {
    if (err instanceof ImageDataGone) throw new GlanceError(410, goneMessage(id));
    await restoreToQueued(ctx, id, err);
    throw err;
  }
  try {
    const virtualSize = inspection.virtualSize;
    await db().$transaction(async (tx) => {
      const now = nowSeconds();
      await changeStatus(tx, ctx, id, 'saving', 'active', 'upload_finished', {
        size: BigInt(stored.size),
        virtualSize: virtualSize === null ? null : BigInt(virtualSize),
        checksum: stored.checksum,
        osHashAlgo: stored.osHashAlgo,
        osHashValue: stored.osHashValue,
      });
      await tx.imageLocation.create({
        data: { imageId: id, value: stored.location, metaData: '{}', status: 'active', createdAt: now, updatedAt: now },
      });
    });
  } catch (err) {
    if (isDatabaseUnavailable(err)) {
      // The commit may have reached the database before the connection broke:
      // only once it answers again can we tell whether this file is the image's.
      const location = stored.location;
      retryWhenDatabaseIsBack(`settle the upload of image ${id}`, () => settleUnconfirmedUpload(ctx, id, location));
      throw err;
    }
    await store().remove(stored.location);
    // Deleted (or otherwise changed) while the data was arriving.
    if (err instanceof InvalidTransitionError) throw new GlanceError(410, goneMessage(id));
    await restoreToQueued(ctx, id, err);
    throw err;
  }
}

/** An upload whose final commit went unanswered: keep its file if recorded, else remove it and requeue. */
async function settleUnconfirmedUpload(ctx: RequestContext, id: string, location: string): Promise<void> {
  const recorded = await db().imageLocation.findFirst({ where: { imageId: id, value: location, deleted: false }, select: { id: true } });
  if (recorded) return;
  await store().remove(location);
  await restore(ctx, id, 'the database could not be reached when the upload ended');
}

/** saving → queued after a failed upload; when the database is unreachable, as soon as it is back. */
async function restoreToQueued(ctx: RequestContext, id: string, cause: unknown): Promise<void> {
  try {
    await restore(ctx, id, cause);
  } catch (err) {
    if (!isDatabaseUnavailable(err)) throw err;
    retryWhenDatabaseIsBack(`return image ${id} to queued`, () => restore(ctx, id, cause));
  }
}

async function restore(ctx: RequestContext, id: string, cause: unknown): Promise<void> {
  const reason = cause instanceof Error ? cause.message : String(cause);
  try {
    await db().$transaction((tx) => changeStatus(tx, ctx, id, 'saving', 'queued', 'upload_failed', {}, reason));
  } catch (err) {
    if (!(err instanceof InvalidTransitionError)) throw err; // already deleted: nothing to restore
  }
}

export interface Download {
  /** Writes the image's bytes (the range, if any); null when the image has no data. */
  copyTo: ((sink: ChunkSink, signal: AbortSignal) => Promise<void>) | null;
  size: number;
  checksum: string | null;
  range: { start: number; end: number } | null;
}

export async function openImageData(ctx: RequestContext, id: string, rangeHeader: string | null): Promise<Download> {
  const image = await loadVisible(ctx, id);
  enforceOnImage(ctx, 'download_image', image);
  if (image.status === 'deactivated' && !ctx.isAdmin) {
    throw new Forbidden('The requested image has been deactivated. Image data download is forbidden.');
  }
  const location = image.status === 'active' || image.status === 'deactivated' ? await activeLocation(id) : null;
  if (!location || image.size === null || !(await store().readable(location.value))) {
    return { copyTo: null, size: 0, checksum: null, range: null };
  }
  const size = Number(image.size);
  const range = parseRange(rangeHeader, size);
  const bytes = range ?? { start: 0, end: size - 1 };
  return {
    copyTo: (sink, signal) => store().copyTo(location.value, bytes, sink, signal),
    size,
    checksum: image.checksum,
    range,
  };
}

/**
 * A single `bytes=` range, the way Glance (webob) reads it: the end is capped
 * at the image's end, a suffix longer than the image means the whole image,
 * a start past the end or a malformed header is 416.
 */
export function parseRange(header: string | null, size: number): { start: number; end: number } | null {
  if (!header) return null;
  if (header.includes(',')) {
    throw new BadRequest('Requests with multiple ranges are not supported in Glance. You may make multiple single-range requests instead.');
  }
  const m = /^\s*bytes\s*=\s*(\d*)-(\d*)\s*$/i.exec(header);
  const unsatisfiable = (detail: string) => new GlanceError(416, 'The Range requested is not available.', `<br /><br />\n${detail}\n\n`);
  if (!m || (m[1] === '' && m[2] === '') || (m[1] !== '' && m[2] !== '' && Number(m[2]) < Number(m[1]))) {
    throw unsatisfiable('Invalid Range header.');
  }
  // webob reads `-0` as `0-`.
  if (m[1] === '') return { start: Number(m[2]) === 0 ? 0 : Math.max(0, size - Number(m[2])), end: size - 1 };
  const start = Number(m[1]);
  if (start >= size) {
    throw unsatisfiable(`Invalid start position in Range header. Start position MUST be in the inclusive range [0, ${size - 1}].`);
  }
  return { start, end: m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1) };
}
