// The image events table: one row per transition or notable action, drawn
// by the console as an image's status timeline.
import type { RequestContext } from '@/lib/auth/context';
import type { Db } from '@/lib/db/client';
import { logger } from '@/lib/log';
import { FAILURE_ACTIONS } from './failure-reasons';

type Tx = Pick<Db, 'imageEvent'>;

export type EventAction =
  | 'created'
  | 'upload_started'
  | 'upload_finished'
  | 'upload_failed'
  | 'upload_cancelled'
  | 'upload_expired'
  | 'staged'
  | 'import_started'
  | 'imported'
  | 'import_failed'
  | 'deactivated'
  | 'reactivated'
  | 'deleted'
  | 'updated'
  | 'reset_after_restart';

export async function recordEvent(
  tx: Tx,
  ctx: Pick<RequestContext, 'requestId' | 'userId' | 'projectId'> | null,
  e: { imageId: string; action: EventAction; from?: string | null; to?: string | null; reason?: string | null },
): Promise<void> {
  // The raw reason (errno, paths) is for operators; the console shows a plain text (failure-reasons.ts).
  if (e.reason && FAILURE_ACTIONS.has(e.action)) {
    logger.warn({ imageId: e.imageId, action: e.action, reason: e.reason, requestId: ctx?.requestId ?? null }, 'image data operation failed');
  }
  await tx.imageEvent.create({
    data: {
      imageId: e.imageId,
      action: e.action,
      fromStatus: e.from ?? null,
      toStatus: e.to ?? null,
      reason: e.reason ?? null,
      requestId: ctx?.requestId ?? null,
      userId: ctx?.userId ?? null,
      projectId: ctx?.projectId ?? null,
      createdAt: new Date(),
    },
  });
}
