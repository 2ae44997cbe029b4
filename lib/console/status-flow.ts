// The status-flow diagram's data: the server's own transition table and how
// many images (that this context may see) are in each state right now.
import type { RequestContext } from '@/lib/auth/context';
import { db } from '@/lib/db/client';
import { visibilityConditions } from '@/lib/images/listing/filters';
import { IMAGE_STATUSES, STATUS_DESCRIPTIONS, TRANSITIONS, type ImageStatus } from '@/lib/images/state-machine';

export interface StatusFlow {
  statuses: readonly ImageStatus[];
  transitions: Readonly<Record<ImageStatus, readonly ImageStatus[]>>;
  descriptions: Readonly<Record<ImageStatus, string>>;
  counts: Record<ImageStatus, number>;
}

export async function statusFlow(ctx: RequestContext): Promise<StatusFlow> {
  const groups = await db().image.groupBy({
    by: ['status'],
    // The same visibility rule as GET /v2/images?visibility=all (deleted images counted too).
    where: { AND: visibilityConditions(ctx, { visibility: 'all', memberStatus: 'accepted' }) },
    _count: { _all: true },
  });
  const counts = Object.fromEntries(IMAGE_STATUSES.map((s) => [s, 0])) as Record<ImageStatus, number>;
  for (const g of groups) if (g.status in counts) counts[g.status as ImageStatus] = g._count._all;
  return { statuses: IMAGE_STATUSES, transitions: TRANSITIONS, descriptions: STATUS_DESCRIPTIONS, counts };
}
