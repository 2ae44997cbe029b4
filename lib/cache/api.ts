// Glance's cache management API (glance/api/v2/cached_images.py), with its
// order of checks: the image lookup (404 "Image X not found.") before the
// policy (cache_image, cache_delete, cache_list: admin by default; a bare
// 403), then "Caching via API is not supported at this site." without a cache.
import type { RequestContext } from '@/lib/auth/context';
import { BadRequest, NotFound } from '@/lib/errors';
import { allows, imageTarget, notAuthorized } from '@/lib/policy';
import { loadVisible } from '@/lib/images/image-service';
import type { Target } from '@/lib/policy/check-string';
import { imageCache, type CacheEntry, type ImageCache } from './cache';
import { reconcile } from './reconcile';
import { kickPrefetcher } from './prefetcher';

function enforce(ctx: RequestContext, rule: string, target: Target = {}): ImageCache {
  if (!allows(ctx, rule, target)) throw notAuthorized(rule);
  const cache = imageCache();
  if (!cache) throw new NotFound('Caching via API is not supported at this site.');
  return cache;
}

async function imageOrNull(ctx: RequestContext, id: string) {
  try {
    return await loadVisible(ctx, id);
  } catch (err) {
    if (err instanceof NotFound) return null;
    throw err;
  }
}

const notFound = (id: string) => new NotFound(`Image ${id} not found.`);

/** GET /v2/cache */
export async function cacheState(ctx: RequestContext): Promise<{ cached_images: Omit<CacheEntry, 'checksum'>[]; queued_images: string[] }> {
  const cache = enforce(ctx, 'cache_list');
  await reconcile(cache);
  return {
    cached_images: cache.cached().map(({ checksum: _, ...listed }) => listed),
    queued_images: await cache.queued(),
  };
}

/** PUT /v2/cache/{id}: queue an active image for the prefetcher (202). */
export async function queueImage(ctx: RequestContext, id: string): Promise<void> {
  const image = await imageOrNull(ctx, id);
  if (!image) throw notFound(id);
  const cache = enforce(ctx, 'cache_image', imageTarget(ctx, image));
  if (image.status !== 'active') throw new BadRequest('Only images with status active can be targeted for queueing');
  await cache.queue(id);
  kickPrefetcher();
}

/** DELETE /v2/cache/{id}: out of the cache and the queue (204); an unknown image is 404 unless it is in either. */
export async function deleteCacheEntry(ctx: RequestContext, id: string): Promise<void> {
  const image = await imageOrNull(ctx, id);
  const cache = imageCache();
  if (!image && !(cache && cache.isQueuedOrCached(id, await cache.queued()))) throw notFound(id);
  const enforced = enforce(ctx, 'cache_delete', image ? imageTarget(ctx, image) : {});
  await enforced.remove(id);
  await enforced.dequeue(id);
}

/** Glance's values ('' = both), and the spellings the issue that asked for the cache uses (cached, both). */
const CLEAR_TARGET_ALIASES: Record<string, string> = { cached: 'cache', both: '' };

/** DELETE /v2/cache with x-image-cache-clear-target: '' or both, 'cache' (or cached) or 'queue' (204). */
export async function clearCache(ctx: RequestContext, targetHeader: string | null): Promise<{ cache_deleted?: number; queue_deleted?: number }> {
  const cache = enforce(ctx, 'cache_delete');
  const given = (targetHeader ?? '').toLowerCase();
  const target = CLEAR_TARGET_ALIASES[given] ?? given;
  if (target === '') return { cache_deleted: await cache.clearCached(), queue_deleted: await cache.clearQueue() };
  if (target === 'cache') return { cache_deleted: await cache.clearCached() };
  if (target === 'queue') return { queue_deleted: await cache.clearQueue() };
  throw new BadRequest("If provided 'x-image-cache-clear-target' must be 'cache', 'queue' or empty string.");
}
