// When a finished task expires: [task] task_time_to_live hours after it ends (Glance's default 48).
import { getConfig } from '@/lib/config';
import { nowSeconds } from '@/lib/images/repository';

export function taskExpiry(from: Date = nowSeconds()): Date {
  return new Date(from.getTime() + getConfig().taskTimeToLiveHours * 3600_000);
}
