// Image data: PUT /file (upload) and GET /file (download, with Range).
import type { Readable } from 'node:stream';
import type { RequestContext } from '@/lib/auth/context';
import { getConfig } from '@/lib/config';
import { db } from '@/lib/db/client';
import { BadRequest, Conflict, Forbidden, GlanceError } from '@/lib/errors';
import { assertCanModify } from '@/lib/policy';
import { store } from '@/lib/stores';
import { InvalidTransitionError } from './state-machine';
import { activeLocation, nowSeconds } from './repository';
import { changeStatus, loadVisible } from './service';
import { virtualSizeOf } from './virtual-size';

export interface UploadInput {
  body: AsyncIterable<Uint8Array>;
  contentLength: number | null;
}

/**
 * PUT /file: queued → saving → active, the data streamed to the store while
 * hashed. Any failure removes the partial data and returns the image to
 * queued, as Glance's _restore() does.
 */
export async function uploadImageData(ctx: RequestContext, id: string, input: UploadInput): Promise<void> {
  const image = await loadVisible(ctx, id);
  assertCanModify(ctx, image);
  if (image.status !== 'queued') throw new Conflict(new InvalidTransitionError(image.status, 'saving').message);
  await db().$transaction((tx) => changeStatus(tx, ctx, id, 'queued', 'saving', 'upload_started'));

  let stored;
  try {
    stored = await store().add(id, input.body, { expectedSize: input.contentLength, cap: getConfig().imageSizeCap });
  } catch (err) {
    await restoreToQueued(ctx, id, err);
    throw err;
  }
  const virtualSize = await virtualSizeOf(image.diskFormat, stored.location, stored.size);
  try {
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
    await store().remove(stored.location);
    if (err instanceof InvalidTransitionError) {
      // Deleted (or otherwise changed) while the data was arriving.
      throw new GlanceError(410, `Image ${id} could not be found after upload. The image may have been deleted during the upload.`);
    }
    await restoreToQueued(ctx, id, err);
    throw err;
  }
}

async function restoreToQueued(ctx: RequestContext, id: string, cause: unknown): Promise<void> {
  const reason = cause instanceof Error ? cause.message : String(cause);
  try {
    await db().$transaction((tx) => changeStatus(tx, ctx, id, 'saving', 'queued', 'upload_failed', {}, reason));
  } catch (err) {
    if (!(err instanceof InvalidTransitionError)) throw err; // already deleted: nothing to restore
  }
}

export interface Download {
  stream: Readable | null;
  size: number;
  checksum: string | null;
  range: { start: number; end: number } | null;
}

export async function openImageData(ctx: RequestContext, id: string, rangeHeader: string | null): Promise<Download> {
  const image = await loadVisible(ctx, id);
  if (image.status === 'deactivated' && !ctx.isAdmin) {
    throw new Forbidden('The requested image has been deactivated. Image data download is forbidden.');
  }
  const location = image.status === 'active' || image.status === 'deactivated' ? await activeLocation(id) : null;
  if (!location || image.size === null) return { stream: null, size: 0, checksum: null, range: null };
  const size = Number(image.size);
  const range = parseRange(rangeHeader, size);
  return { stream: store().read(location.value, range ?? undefined), size, checksum: image.checksum, range };
}

/** A single `bytes=` range, as Glance supports it. */
export function parseRange(header: string | null, size: number): { start: number; end: number } | null {
  if (!header) return null;
  const m = /^bytes=(.*)$/.exec(header.trim());
  if (!m) return null;
  const specs = m[1].split(',');
  if (specs.length > 1) {
    throw new BadRequest('Requests with multiple ranges are not supported in Glance. You may make multiple single-range requests instead.');
  }
  const r = /^\s*(\d*)-(\d*)\s*$/.exec(specs[0]);
  if (!r || (r[1] === '' && r[2] === '')) return null;
  let start: number;
  let end: number;
  if (r[1] === '') {
    const suffix = Number(r[2]);
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(r[1]);
    end = r[2] === '' ? size - 1 : Math.min(Number(r[2]), size - 1);
  }
  if (start >= size || start > end) {
    throw new GlanceError(416, 'Request Range Not Satisfiable', '<br /><br />\n\n\n', { 'Content-Range': `bytes */${size}` });
  }
  return { start, end };
}

