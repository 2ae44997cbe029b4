// This node's life among the others: its row written at start-up, a
// heartbeat every [DEFAULT] node_heartbeat_interval seconds, and on each beat
// a look for nodes whose heartbeat went stale, whose uploads it repairs.
import { logger } from '@/lib/log';
import { isStopping } from '@/lib/runtime/stopping';
import { thisNode } from './identity';
import { beat } from './registry';
import { repairOrphanedUploads } from './repair';

const processGlobals = globalThis as unknown as { glanceHeartbeat?: NodeJS.Timeout };

/** Join: write this node's row, repair what its own earlier run (or a dead node) left, then beat. */
export async function joinNodes(): Promise<void> {
  const self = thisNode();
  await beat(self);
  await repairOrphanedUploads('startup');
  if (processGlobals.glanceHeartbeat) return;
  // Judge the others only after beating without a break for 2 intervals: when
  // the database was out of reach for us, it was for them too, and they need
  // one interval after it is back to beat again.
  let healthySince: number | null = Date.now();
  let beating = false;
  let repairing = false;
  processGlobals.glanceHeartbeat = setInterval(() => {
    if (isStopping()) return;
    if (!beating) {
      beating = true;
      beat(self)
        .then(() => (healthySince ??= Date.now()))
        .catch((err) => {
          healthySince = null;
          logger.warn({ err: (err as Error).message }, 'heartbeat failed');
        })
        .finally(() => (beating = false));
    }
    if (repairing || healthySince === null || Date.now() - healthySince < 2 * self.intervalMs) return;
    repairing = true;
    repairOrphanedUploads('periodic')
      .catch((err) => logger.error({ err }, 'repair of stopped nodes\' uploads failed'))
      .finally(() => (repairing = false));
  }, self.intervalMs);
  processGlobals.glanceHeartbeat.unref();
}
