// The image events table: one row per transition or notable action, drawn
// by the console as an image's status timeline.
import { logger } from '@/lib/log';
import { FAILURE_ACTIONS } from './failure-reasons';
import { actorColumns, isServerActor, type Actor } from './actor';
import { insertEvent, type Tx } from './repository';
import type { TransitionAction } from './state-machine';

/** A status change's cause (state-machine.ts), or an action that leaves the status as it is. */
export type EventAction = TransitionAction | 'created' | 'staged' | 'updated';

export async function recordEvent(
  tx: Tx,
  actor: Actor,
  e: { imageId: string; action: EventAction; from?: string | null; to?: string | null; reason?: string | null },
): Promise<void> {
  // The raw reason (errno, paths) is for operators; the console shows a plain text (failure-reasons.ts).
  if (e.reason && FAILURE_ACTIONS.has(e.action)) {
    const by = isServerActor(actor) ? { server: actor.server } : { requestId: actor.requestId };
    logger.warn({ imageId: e.imageId, action: e.action, reason: e.reason, ...by }, 'image data operation failed');
  }
  await insertEvent(tx, {
    imageId: e.imageId,
    action: e.action,
    fromStatus: e.from ?? null,
    toStatus: e.to ?? null,
    reason: e.reason ?? null,
    ...actorColumns(actor),
    createdAt: new Date(),
  });
}
