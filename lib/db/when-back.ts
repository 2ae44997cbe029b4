// Clean-up that must reach the database (an upload's image back to queued,
// an interrupted import undone) but found it unreachable: tried again in the
// background until the database answers. A restart in the meantime is covered
// by the start-up repairs (lib/startup.ts, lib/uploads/maintenance.ts).
import { logger } from '@/lib/log';
import { isDatabaseUnavailable } from './unavailable';

const FIRST_DELAY_MS = 250;
const MAX_DELAY_MS = 2000;

/** Run `repair` later, and again (backing off to every 2 s) for as long as the database stays unreachable. */
export function retryWhenDatabaseIsBack(what: string, repair: () => Promise<void>): void {
  logger.warn({ what }, 'database unavailable: will retry when it is back');
  const attempt = (delay: number) => {
    const timer = setTimeout(() => {
      repair().then(
        () => logger.info({ what }, 'database back: done'),
        (err) => {
          if (isDatabaseUnavailable(err)) attempt(Math.min(delay * 2, MAX_DELAY_MS));
          else logger.error({ err, what }, 'repair failed');
        },
      );
    }, delay);
    timer.unref();
  };
  attempt(FIRST_DELAY_MS);
}
