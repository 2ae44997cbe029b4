// The background prefetcher (Glance's CacheWorker and periodic prefetcher):
// every cache_prefetcher_interval seconds, and right after PUT /v2/cache/{id},
// queued images are read from their store into the cache. It never runs twice
// at once and stops between chunks when the server begins to stop.
import { logger } from '@/lib/log';
import { isStopping } from '@/lib/runtime/stopping';
import { findLiveImage } from '@/lib/images/repository';
import { readableLocation } from '@/lib/images/upload-download';
import { imageCache, type ImageCache } from './cache';
import { CacheFill, fileSink } from './fill';
import { reconcile } from './reconcile';

const processGlobals = globalThis as unknown as { glanceCachePrefetcher?: { timer: NodeJS.Timeout; running: boolean; again: boolean } };

const stopReason = () => (isStopping() ? new Error('the server is stopping') : null);

/** Start the periodic rounds (start-up calls this when the cache is on). */
export function startPrefetcher(): void {
  const cache = imageCache();
  if (!cache || processGlobals.glanceCachePrefetcher) return;
  const timer = setInterval(() => kickPrefetcher(), cache.config.prefetcherInterval * 1000);
  timer.unref();
  processGlobals.glanceCachePrefetcher = { timer, running: false, again: false };
  kickPrefetcher();
}

/** A round now; if one is going, another right after it. */
export function kickPrefetcher(): void {
  const state = processGlobals.glanceCachePrefetcher;
  const cache = imageCache();
  if (!state || !cache || isStopping()) return;
  if (state.running) {
    state.again = true;
    return;
  }
  state.running = true;
  round(cache)
    .catch((err) => logger.warn({ err: (err as Error).message }, 'image cache prefetcher round failed'))
    .finally(() => {
      state.running = false;
      if (state.again) {
        state.again = false;
        kickPrefetcher();
      }
    });
}

async function round(cache: ImageCache): Promise<void> {
  await reconcile(cache);
  await cache.cleanStalled();
  for (const id of await cache.queued()) {
    if (isStopping()) return;
    await prefetch(cache, id);
  }
}

/** One queued image into the cache; an image deleted or not active leaves the queue, a store error keeps it queued. */
async function prefetch(cache: ImageCache, id: string): Promise<void> {
  const image = await findLiveImage(id);
  if (!image || image.status !== 'active' || image.size === null || cache.entry(id)) {
    if (!cache.entry(id)) logger.info({ imageId: id, status: image?.status ?? 'deleted' }, 'image cache: queued image not active, dropped from the queue');
    await cache.dequeue(id);
    return;
  }
  let source;
  try {
    source = await readableLocation(id);
  } catch (err) {
    logger.warn({ imageId: id, err: (err as Error).message }, 'image cache: store unreachable, image stays queued');
    return;
  }
  // Missing data stays queued, as in Glance: a store that lost it may get it back.
  if (!source) return void logger.warn({ imageId: id }, 'image cache: no readable data, image stays queued');
  const fill = await CacheFill.begin(cache, id);
  if (!fill) return; // a download is filling it right now
  const size = Number(image.size);
  try {
    await source.holder.copyTo(source.location, { start: 0, end: size - 1 }, fileSink(fill, stopReason), new AbortController().signal);
  } catch (err) {
    await fill.abort();
    if (!isStopping()) logger.warn({ imageId: id, err: (err as Error).message }, 'image cache: prefetch failed, image stays queued');
    return;
  }
  if (await fill.commit({ size, checksum: image.checksum })) logger.info({ imageId: id, size }, 'image cache: prefetched');
}
