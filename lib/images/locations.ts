// An image's locations as stores see them: recording data a store now holds,
// and the `stores` field of the image view (multi-store only).
import type { RequestContext } from '@/lib/auth/context';
import { stores } from '@/lib/stores';
import type { StoredData } from '@/lib/stores/driver';
import { addActiveLocation, liveLocations, liveLocationsOf, type Tx } from './repository';
import type { ImageView } from './view';

/** Record data a store holds as a new active location of the image (an upload, a copy to another store). */
export async function addStoredLocation(tx: Tx, imageId: string, stored: StoredData): Promise<void> {
  await addActiveLocation(tx, imageId, stored.location, stores().locationMetadata(stored.store));
}

/**
 * Glance's `stores` (ResponseSerializer._format_image): with enabled_backends,
 * the store ids of the image's locations in the order they were added,
 * comma-joined, after every other key; absent when none. A deactivated
 * image's locations are hidden from non-admins (Glance's _normalize_locations),
 * so its `stores` is too. Single-store: the views as they are, no query.
 */
export async function withStores<V extends ImageView>(ctx: Pick<RequestContext, 'isAdmin'>, views: V[]): Promise<V[]> {
  const set = stores();
  if (!set.multiStore) return views;
  const ids = views.filter((v) => ctx.isAdmin || v.status !== 'deactivated').map((v) => v.id as string);
  if (ids.length === 0) return views;
  const byImage = new Map<string, string[]>();
  for (const l of await liveLocationsOf(ids)) {
    const id = set.locationStoreId(l.value, l.metaData);
    if (id) byImage.set(l.imageId, [...(byImage.get(l.imageId) ?? []), id]);
  }
  for (const v of views) {
    const held = byImage.get(v.id as string);
    if (held) (v as ImageView).stores = held.join(',');
  }
  return views;
}

/** withStores for one view. */
export async function withStoresOne<V extends ImageView>(ctx: Pick<RequestContext, 'isAdmin'>, view: V): Promise<V> {
  return (await withStores(ctx, [view]))[0];
}

/** The ids of the stores holding the image's live locations, in the order they were added (multi-store). */
export async function storesHolding(imageId: string, client?: Tx): Promise<{ store: string; location: string }[]> {
  const set = stores();
  const held: { store: string; location: string }[] = [];
  for (const l of await liveLocations(imageId, client)) {
    const id = set.locationStoreId(l.value, l.metaData);
    if (id) held.push({ store: id, location: l.value });
  }
  return held;
}
