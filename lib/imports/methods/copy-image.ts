// copy-image (Glance's _CopyImage and _ImportToStore with set_active False):
// an active image's data, read from one of its locations (the default
// store's first, as Glance), into more stores. The image stays active
// throughout. Each copy is hashed on the way and must match the image's
// size, os_hash_value and checksum (Glance's words when it does not), else it
// is removed. Glance stages the data first; here each target store reads the
// source location directly, so nothing is left in staging.
import { BadRequest } from '@/lib/errors';
import { storesHolding } from '@/lib/images/locations';
import { findLiveImage } from '@/lib/images/repository';
import { logger } from '@/lib/log';
import { stores, type StoreDriver } from '@/lib/stores';
import type { StoredData } from '@/lib/stores/driver';
import { readLocation } from '@/lib/stores/location-reader';
import type { ImportMethod, ImportSource } from './types';

class CopyFailed extends Error {}

export const copyImage: ImportMethod = {
  name: 'copy-image',
  onActiveImage: true,
  // Copying needs somewhere else to copy to: listed and accepted only with enabled_backends.
  available: () => stores().multiStore,
  statusConflict: (status) => (status === 'active' ? null : 'Only images with status active can be targeted for copying'),
  async pickTargets(imageId, picked, allStores) {
    const held = new Set((await storesHolding(imageId)).map((h) => h.store));
    // all_stores: the stores already holding it drop out (possibly all of them).
    if (allStores) return picked.filter((s) => !held.has(s));
    const already = picked.find((s) => held.has(s));
    if (already !== undefined) throw new BadRequest(`Image is already present at store '${already}'`);
    return picked;
  },
  async open({ imageId, taskId }): Promise<ImportSource> {
    const image = await findLiveImage(imageId);
    if (!image) throw new CopyFailed('Image has been deleted, aborting import.');
    // Only a range of known length can be read (an active image always has one, unless made from a bare location).
    if (image.size === null) throw new CopyFailed('The image has no size recorded; its data cannot be copied');
    const size = Number(image.size);
    const from = await sourceLocation(imageId);
    return {
      size,
      async into(store, { cap, capError, check }) {
        // A store that copies what it takes may be lent the source's buffers (no copy per chunk).
        const data = readOrExplain(from.store, from.location, size, store.addCopiesChunks === true);
        const copied = await store.add(imageId, data, { expectedSize: null, cap, capError, check });
        const mismatch = differs(copied, image, taskId);
        if (mismatch) {
          await store.remove(copied.location).catch((err) => logger.warn({ err, imageId, store: store.id }, 'could not remove a mismatching copy'));
          throw new CopyFailed(mismatch);
        }
        return copied;
      },
      discard: async () => {},
    };
  },
};

/** Glance's order: the default store's location first, then the others that are configured and readable. */
async function sourceLocation(imageId: string): Promise<{ store: StoreDriver; location: string }> {
  const all = stores();
  const held = await storesHolding(imageId);
  const ordered = [...held.filter((h) => h.store === all.defaultId), ...held.filter((h) => h.store !== all.defaultId)];
  for (const h of ordered) {
    const store = all.byId(h.store);
    if (!store) continue;
    try {
      if (await store.readable(h.location)) return { store, location: h.location };
    } catch (err) {
      logger.warn({ err, imageId, store: h.store }, 'copy-image: a location could not be checked');
    }
    logger.warn({ imageId, store: h.store }, 'copy-image: image data not present in store');
  }
  throw new CopyFailed('Image not found in any configured store');
}

/** The source's bytes; a failed read says which store could not be read (no paths). */
async function* readOrExplain(store: StoreDriver, location: string, size: number, lend: boolean): AsyncGenerator<Uint8Array> {
  try {
    yield* readLocation(store, location, size, { lend });
  } catch (err) {
    logger.warn({ err, store: store.id }, 'copy-image: reading the source failed');
    throw new CopyFailed(`The image data could not be read from store '${store.id}'`);
  }
}

/** Glance's set_image_data and _verify_uploaded_data checks, in their order and words; null when the copy matches. */
function differs(copied: StoredData, image: { size: bigint | null; checksum: string | null; osHashAlgo: string | null; osHashValue: string | null }, taskId: string): string | null {
  if (image.size !== null && Number(image.size) !== copied.size) {
    return `Task ${taskId}: Image size mismatch. Expected ${image.size} but got ${copied.size}`;
  }
  // A copy hashed with another algorithm (hashing_algorithm changed since) can only be compared by md5.
  if (image.osHashValue !== null && image.osHashAlgo === copied.osHashAlgo && image.osHashValue !== copied.osHashValue) {
    return 'os_hash_value of uploaded data is different from current value set on the image.';
  }
  if (image.checksum !== null && image.checksum !== copied.checksum) return 'checksum of uploaded data is different from current value set on the image.';
  return null;
}
