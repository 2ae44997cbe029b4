// The status-flow diagram's data: the server's own transition table and how
// many images (that this context may see) are in each state right now.
import type { RequestContext } from '@/lib/auth/context';
import { visibilityConditions } from '@/lib/images/listing/filters';
import { countByStatus } from '@/lib/images/repository';
import { EDGES, IMAGE_STATUSES, STATUS_DESCRIPTIONS, TRANSITIONS, type ImageStatus } from '@/lib/images/state-machine';
import { layoutFlow } from './flow-layout';
import type { FlowDirection, FlowLayout } from './flow-types';

export interface StatusFlow {
  statuses: readonly ImageStatus[];
  transitions: Readonly<Record<ImageStatus, readonly ImageStatus[]>>;
  descriptions: Readonly<Record<ImageStatus, string>>;
  counts: Record<ImageStatus, number>;
  /** The diagram, laid out both ways; the console picks by its width. */
  layouts: Record<FlowDirection, FlowLayout>;
}

/** The table never changes while the server runs: each layout is computed once. */
let layouts: Promise<Record<FlowDirection, FlowLayout>> | null = null;
const bothLayouts = () =>
  (layouts ??= Promise.all([layoutFlow(IMAGE_STATUSES, EDGES, 'RIGHT'), layoutFlow(IMAGE_STATUSES, EDGES, 'DOWN')]).then(([RIGHT, DOWN]) => ({ RIGHT, DOWN })));

export async function statusFlow(ctx: RequestContext): Promise<StatusFlow> {
  // The same visibility rule as GET /v2/images?visibility=all (deleted images counted too).
  const groups = await countByStatus({ AND: visibilityConditions(ctx, { visibility: 'all', memberStatus: 'accepted' }) });
  const counts = Object.fromEntries(IMAGE_STATUSES.map((s) => [s, 0])) as Record<ImageStatus, number>;
  for (const [status, n] of groups) if (status in counts) counts[status as ImageStatus] = n;
  return { statuses: IMAGE_STATUSES, transitions: TRANSITIONS, descriptions: STATUS_DESCRIPTIONS, counts, layouts: await bothLayouts() };
}
