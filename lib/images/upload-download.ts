// Image data: PUT /file (upload) and GET /file (download, with Range).
import type { RequestContext } from '@/lib/auth/context';
import { getConfig } from '@/lib/config';
import { isDatabaseUnavailable } from '@/lib/db/unavailable';
import { BadRequest, Forbidden, GlanceError } from '@/lib/errors';
import { enforceOnImage } from '@/lib/policy';
import { stores, type StoreDriver } from '@/lib/stores';
import { ImageDataGone, type ChunkSink } from '@/lib/stores/driver';
import { InvalidTransitionError } from './state-machine';
import { liveLocations } from './repository';
import { loadVisible } from './image-service';
import { activateWithData, beginUpload, restoreToQueuedWhenPossible, settleUnconfirmedActivation } from './status';
import { ContentInspection } from './content-check';
import { remainingStorage, StorageQuotaExceeded } from './storage-quota';
import { assertUploadLimits } from '@/lib/quotas/enforce';
import { cachedReader, fillingReader, type CacheableImage, type Reader } from '@/lib/cache/serve';

export interface UploadInput {
  body: AsyncIterable<Uint8Array>;
  contentLength: number | null;
  /** X-Image-Meta-Store: the store to write to (multi-store only); null = the default store. */
  storeId: string | null;
}

/**
 * The store an upload goes to: the one named (multi-store only), else the
 * default. An unknown id is Glance's 400 (glance_store's UnknownScheme from
 * get_store_from_store_identifier); single-store Glance ignores the header.
 */
export function targetStore(storeId: string | null): StoreDriver {
  const all = stores();
  if (!all.multiStore || storeId === null) return all.default();
  const named = all.byId(storeId);
  if (!named) throw new BadRequest(`Store for identifier ${storeId} not found`);
  return named;
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
  // Glance checks image_size_total (unified limits) first, then the store: an unknown one is 400 even for an image the caller cannot see.
  await assertUploadLimits(ctx, 'upload', input.contentLength);
  const target = targetStore(input.storeId);
  const image = await loadVisible(ctx, id);
  enforceOnImage(ctx, 'upload_image', image);
  await beginUpload(ctx, id, image.status, 'saving');

  const inspection = new ContentInspection(image.diskFormat, image.containerFormat);
  const cap = getConfig().imageSizeCap;
  let stored;
  try {
    // Unified limits: image_count_uploading counts this image once it is saving.
    await assertUploadLimits(ctx, 'uploading');
    // user_storage_quota: what is left bounds the stream; its error wins over image_size_cap's at the same byte.
    const remaining = await remainingStorage(ctx, id, input.contentLength);
    const quotaBound = remaining !== null && remaining <= cap;
    stored = await target.add(id, input.body, {
      expectedSize: input.contentLength,
      cap: quotaBound ? remaining : cap,
      capError: quotaBound ? () => new StorageQuotaExceeded(undefined, undefined) : undefined,
      check: inspection,
    });
  } catch (err) {
    if (err instanceof ImageDataGone) throw new GlanceError(410, goneMessage(id));
    await restoreToQueuedWhenPossible(ctx, id, 'saving', 'upload_failed', err);
    throw err;
  }
  try {
    // Two uploads racing past the first check: Glance checks again once the size is known.
    await remainingStorage(ctx, id, stored.size);
    await activateWithData(ctx, id, 'saving', stored, inspection.virtualSize);
  } catch (err) {
    if (isDatabaseUnavailable(err)) {
      // The commit may have reached the database before the connection broke.
      settleUnconfirmedActivation(ctx, id, 'saving', stored.location);
      throw err;
    }
    await target.remove(stored.location);
    // Deleted (or otherwise changed) while the data was arriving.
    if (err instanceof InvalidTransitionError) throw new GlanceError(410, goneMessage(id));
    await restoreToQueuedWhenPossible(ctx, id, 'saving', 'upload_failed', err);
    throw err;
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
  // The node's image cache first (lib/cache): it serves while the store is out of reach.
  const read = (await cachedReader(image)) ?? (await storeReader(image));
  if (!read || image.size === null) return { copyTo: null, size: 0, checksum: null, range: null };
  const size = Number(image.size);
  const range = parseRange(rangeHeader, size);
  const bytes = range ?? { start: 0, end: size - 1 };
  return {
    copyTo: (sink, signal) => read(bytes, sink, signal),
    size,
    checksum: image.checksum,
    range,
  };
}

async function storeReader(image: CacheableImage): Promise<Reader | null> {
  const source = image.status === 'active' || image.status === 'deactivated' ? await readableLocation(image.id) : null;
  if (!source) return null;
  return fillingReader(image, (bytes, sink, signal) => source.holder.copyTo(source.location, bytes, sink, signal));
}

/**
 * Where to read an image's data from: its live locations in the order of
 * their stores' weight (highest first, as Glance sorts them), the first one
 * whose data is there. A store that cannot answer is skipped while another
 * copy is readable; when none is, its error (503) is the answer.
 */
export async function readableLocation(id: string): Promise<{ location: string; holder: StoreDriver } | null> {
  const all = stores();
  const candidates = (await liveLocations(id))
    .filter((l) => l.status === 'active')
    .map((l) => ({ location: l.value, holder: all.forLocation(l.value, l.metaData) }))
    .filter((c): c is { location: string; holder: StoreDriver } => c.holder !== null)
    .sort((a, b) => b.holder.weight - a.holder.weight);
  let failure: unknown = null;
  for (const c of candidates) {
    try {
      if (await c.holder.readable(c.location)) return c;
    } catch (err) {
      failure ??= err;
    }
  }
  if (failure) throw failure;
  return null;
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
