// Glance's legacy user_storage_quota (glance/api/common.py check_quota and the
// quota ImageProxy.set_data): the caller's project may hold at most that many
// bytes of image data (size × locations), checked before an upload, enforced
// while it streams, and checked again once its size is known.
import type { RequestContext } from '@/lib/auth/context';
import { getConfig } from '@/lib/config';
import { RequestEntityTooLarge } from '@/lib/errors';
import { storageUsageOf } from './repository';

/** Glance's StorageQuotaFull; raised unformatted by its LimitingReader, so the placeholders show. */
export function storageQuotaFull(size: number | null | undefined, remaining: number | undefined): string {
  const s = size === undefined ? '%(image_size)s' : size === null ? 'None' : String(size);
  const r = remaining === undefined ? '%(remaining)s' : String(remaining);
  return `The size of the data ${s} will exceed the limit. ${r} bytes remaining.`;
}

/** The upload APIs' 413 (image_data.py). */
export class StorageQuotaExceeded extends RequestEntityTooLarge {
  constructor(size: number | null | undefined, remaining: number | undefined) {
    super(`Image exceeds the storage quota: ${storageQuotaFull(size, remaining)}`);
  }
}

/** The owner Glance charges: the caller's project (context.owner), not the image's. */
function chargedOwner(ctx: Pick<RequestContext, 'projectId' | 'userId'>): string | null {
  return ctx.projectId ?? ctx.userId;
}

/**
 * Bytes the caller's project may still add to `imageId` (its current data
 * not counted), or null when there is no quota (0, or unified limits on).
 * A known `size` over it, or no room at all, is refused at once.
 */
export async function remainingStorage(ctx: Pick<RequestContext, 'projectId' | 'userId'>, imageId: string, size: number | null): Promise<number | null> {
  const { userStorage, useKeystoneLimits } = getConfig().quotas;
  if (userStorage <= 0 || useKeystoneLimits) return null;
  const owner = chargedOwner(ctx);
  const remaining = userStorage - (owner === null ? 0 : await storageUsageOf(owner, imageId));
  if (size === null ? remaining <= 0 : size > remaining) throw new StorageQuotaExceeded(size, remaining);
  return remaining;
}
