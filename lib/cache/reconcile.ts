// Cache entries follow their images: one whose image was deleted (on any
// node), deactivated, or whose data changed is removed. Run before the cache
// is listed and on every prefetcher round; a download checks its own entry.
import { db } from '@/lib/db/client';
import type { ImageCache } from './cache';

export async function reconcile(cache: ImageCache): Promise<void> {
  const entries = cache.cached();
  if (entries.length === 0) return;
  const rows = await db().image.findMany({
    where: { id: { in: entries.map((e) => e.image_id) }, deleted: false },
    select: { id: true, status: true, size: true, checksum: true },
  });
  const live = new Map(rows.map((r) => [r.id, r]));
  for (const e of entries) {
    const r = live.get(e.image_id);
    if (!r || r.status !== 'active' || Number(r.size) !== e.size || r.checksum !== e.checksum) await cache.remove(e.image_id);
  }
}
