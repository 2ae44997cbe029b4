// The scrubber (glance/scrubber.py): removes the data of pending_delete images
// once scrub_time has passed, from every store holding it, then marks the
// image deleted with a 'scrubbed' event. Safe with several nodes on one
// database: an image is scrubbed under its row lock, taken with SKIP LOCKED,
// so a node skips the images another is scrubbing and a restore waits for it.
// A store that fails leaves the image pending_delete for the next run (the
// locations already scrubbed stay scrubbed, as in Glance).
import { getConfig } from '@/lib/config';
import { logger } from '@/lib/log';
import { isStopping } from '@/lib/runtime/stopping';
import { stores } from '@/lib/stores';
import { serverActor } from './actor';
import { recordEvent } from './events';
import { claimPendingDelete, inTransaction, markImageScrubbed, markLocationScrubbed, pendingDeleteLocations, pendingDeletesDue } from './repository';

const scrubber = serverActor('scrubber');
/** Images looked at per run; the rest wait for the next. */
const PER_RUN = 1000;
/** A scrub holds its image's row lock while it deletes; long enough for a slow S3 delete. */
const SCRUB_TIMEOUT_MS = 10 * 60_000;

export type ScrubOutcome = 'scrubbed' | 'failed' | 'skipped';

/** Scrub one image, unless another node is at it or it left pending_delete (restored, scrubbed). */
export async function scrubImage(imageId: string): Promise<ScrubOutcome> {
  return inTransaction(async (tx) => {
    if (!(await claimPendingDelete(tx, imageId))) return 'skipped';
    let failures = 0;
    for (const location of await pendingDeleteLocations(tx, imageId)) {
      const store = stores().forLocation(location.value, location.metaData);
      try {
        if (!store) throw new Error('no store of this node holds the location');
        await store.remove(location.value); // data already gone counts as removed (Glance's NotFound)
        await markLocationScrubbed(tx, location.id);
      } catch (err) {
        failures++;
        logger.error({ imageId, location: location.id, err: (err as Error).message }, 'unable to scrub image data from a location');
      }
    }
    if (failures > 0) {
      logger.warn({ imageId }, "one or more image locations couldn't be scrubbed: the image stays pending_delete");
      return 'failed';
    }
    if (await markImageScrubbed(tx, imageId)) {
      await recordEvent(tx, scrubber, { imageId, action: 'scrubbed', from: 'pending_delete', to: 'deleted' });
    }
    logger.info({ imageId }, 'image scrubbed');
    return 'scrubbed';
  }, { readCommitted: true, timeoutMs: SCRUB_TIMEOUT_MS });
}

/** One run: every pending_delete image whose scrub_time has passed, scrub_pool_size at a time. */
export async function scrubDue(now = Date.now()): Promise<Record<ScrubOutcome, number>> {
  const { scrubTime, scrubPoolSize } = getConfig().delayedDelete;
  const due = await pendingDeletesDue(new Date(now - scrubTime * 1000), PER_RUN);
  const counts: Record<ScrubOutcome, number> = { scrubbed: 0, failed: 0, skipped: 0 };
  let next = 0;
  const worker = async () => {
    while (next < due.length && !isStopping()) {
      const id = due[next++];
      const outcome = await scrubImage(id).catch((err) => {
        logger.error({ err, imageId: id }, 'scrub failed');
        return 'failed' as const;
      });
      counts[outcome]++;
    }
  };
  await Promise.all(Array.from({ length: Math.min(scrubPoolSize, due.length) }, worker));
  return counts;
}

const processGlobals = globalThis as unknown as { glanceScrubber?: NodeJS.Timeout };

/** The scrubber as the server runs it with delayed_delete on: now, then every wakeup_time seconds. */
export function startScrubber(): void {
  const { enabled, wakeupTime } = getConfig().delayedDelete;
  if (!enabled || processGlobals.glanceScrubber) return;
  let running = false;
  const run = () => {
    if (running || isStopping()) return;
    running = true;
    scrubDue()
      .then((c) => (c.scrubbed || c.failed ? logger.info(c, 'scrubber run') : undefined))
      .catch((err) => logger.error({ err }, 'scrubber run failed'))
      .finally(() => (running = false));
  };
  processGlobals.glanceScrubber = setInterval(run, Math.max(1, wakeupTime) * 1000);
  processGlobals.glanceScrubber.unref();
  setImmediate(run);
}
