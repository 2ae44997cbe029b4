// Image data a stop caught set aside by a delete (between moving it aside and
// removing it): put back if the delete was not committed, else removed. Run
// at start-up and when a stopped node is found; safe beside live deletes of
// other nodes on a shared store (the check waits for their commit).
import { logger } from '@/lib/log';
import { stores } from '@/lib/stores';
import { isLocationRecordedAfterDeletes } from './repository';

export async function settleInterruptedDeletes(): Promise<void> {
  for (const s of stores().all()) {
    for (const d of await s.detachedData()) {
      try {
        const recorded = await isLocationRecordedAfterDeletes(d.location);
        if (recorded) await s.reattach(d);
        else await s.purge(d);
        logger.warn({ store: s.id, location: d.location, restored: recorded }, 'delete interrupted by a stop: settled');
      } catch (err) {
        // Settled meanwhile by the node doing the delete, or to be tried at the next start.
        logger.warn({ err: (err as Error).message, store: s.id, location: d.location }, 'could not settle an interrupted delete');
      }
    }
  }
}
