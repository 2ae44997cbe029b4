// Glance's delayed delete and scrubber options ([DEFAULT] delayed_delete,
// scrub_time, scrub_pool_size, wakeup_time), with Glance's defaults and minimums.
import { type Section, bool, int, last, positiveInt } from './ini';

export interface DelayedDeleteConfig {
  /** DELETE puts an image with data in pending_delete; the scrubber removes the data later. */
  enabled: boolean;
  /** Seconds an image stays pending_delete before the scrubber may remove its data. */
  scrubTime: number;
  /** Seconds between the server's scrubber runs. */
  wakeupTime: number;
  /** Images scrubbed at once. */
  scrubPoolSize: number;
}

export function parseDelayedDelete(dflt: Section): DelayedDeleteConfig {
  return {
    enabled: bool('DEFAULT', 'delayed_delete', last(dflt.delayed_delete), false),
    scrubTime: int('DEFAULT', 'scrub_time', last(dflt.scrub_time), 0),
    wakeupTime: int('DEFAULT', 'wakeup_time', last(dflt.wakeup_time), 300),
    scrubPoolSize: positiveInt('DEFAULT', 'scrub_pool_size', last(dflt.scrub_pool_size), 1),
  };
}
