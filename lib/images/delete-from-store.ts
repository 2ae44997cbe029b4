// DELETE /v2/stores/{store_id}/{image_id}: remove an image's data from one
// store while it stays in another (glance/api/v2/images.py delete_from_store),
// with Glance's checks in Glance's order and its status codes.
import type { RequestContext } from '@/lib/auth/context';
import { Conflict, Forbidden, NotFound } from '@/lib/errors';
import { logger } from '@/lib/log';
import { canSee, enforceOnImage } from '@/lib/policy';
import { stores, type StoreDriver } from '@/lib/stores';
import type { DetachedData } from '@/lib/stores/driver';
import { recordEvent } from './events';
import { findLiveImage, inTransaction, liveLocations, nowSeconds, softDeleteLocation, touchActiveImage } from './repository';

/** glance_store's reserved stores pass Glance's store check (they hold no image's data, so it ends in 404 or 403). */
const RESERVED = ['os_glance_staging_store', 'os_glance_tasks_store'];
const notActive = () => new Conflict("It's not allowed to remove image data from store if image status is not 'active'");
const onlyCopy = () => new Forbidden('Cannot delete image data from the only store containing it. Consider deleting the image instead.');

export async function deleteFromStore(ctx: RequestContext, storeId: string, imageId: string): Promise<void> {
  const set = stores();
  // Glance's plain 404 without enabled_backends; the store is checked before the image.
  if (!set.multiStore) throw new NotFound();
  if (!set.byId(storeId) && !RESERVED.includes(storeId)) throw new Conflict(`The selected store ${storeId} is not available on this node.`);
  const image = await findLiveImage(imageId);
  if (!image || !canSee(ctx, image)) throw new NotFound(`Failed to find image ${imageId}`);
  enforceOnImage(ctx, 'get_image_location', image);
  enforceOnImage(ctx, 'delete_image_location', image);
  if (image.status !== 'active') throw notActive();

  // As the image delete: the data is moved out of sight while the image row
  // is locked and purged once the location's delete is committed, so a failed
  // commit puts it back and two concurrent deletes cannot take both copies.
  const detached: (DetachedData & { holder: StoreDriver })[] = [];
  try {
    await inTransaction(async (tx) => {
      const now = nowSeconds();
      if (!(await touchActiveImage(tx, imageId, now))) throw notActive();
      const locations = await liveLocations(imageId, tx);
      if (locations.length === 1) throw onlyCopy();
      const target = locations.find((l) => set.locationStoreId(l.value, l.metaData) === storeId);
      if (!target) throw new NotFound(`Image ${imageId} is not stored in store ${storeId}.`);
      await softDeleteLocation(tx, target.id, now);
      await recordEvent(tx, ctx, { imageId, action: 'updated', reason: `data removed from store ${storeId}` });
      const holder = set.forLocation(target.value, target.metaData);
      // Data already gone: Glance logs it and removes the location all the same.
      const d = holder ? await holder.detach(target.value, imageId) : null;
      if (d && holder) detached.push({ ...d, holder });
    }, { readCommitted: true }); // the locations read after the lock include a concurrent delete's
  } catch (err) {
    for (const d of detached) await d.holder.reattach(d).catch((e) => logger.error({ err: e, imageId }, 'could not put back data whose delete from a store failed'));
    throw err;
  }
  // A crash before this leaves the data aside; start-up removes it (lib/startup.ts).
  for (const d of detached) await d.holder.purge(d).catch((e) => logger.warn({ err: e, imageId, store: storeId }, 'data deleted from a store left aside'));
}
