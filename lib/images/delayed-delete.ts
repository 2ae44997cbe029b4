// DELETE with [DEFAULT] delayed_delete (Glance's Image.delete and
// schedule_delayed_delete_from_backend): an image with data goes to
// pending_delete, its row and children are marked deleted as by a delete
// (it leaves lists, GET answers 404), and its locations turn pending_delete:
// the data stays in the store until the scrubber (scrubber.ts) removes it.
import type { Actor } from './actor';
import { getConfig } from '@/lib/config';
import { BadRequest } from '@/lib/errors';
import { changeStatus } from './status';
import { inTransaction, liveLocations, nowSeconds, softDeleteChildren } from './repository';
import { allowsAction } from './state-machine';

/**
 * Is a delete of this image a delayed one? Glance: delayed_delete on and the image has locations the
 * caller sees; a non-admin sees none on a deactivated image, so its delete is an immediate one (204,
 * image deleted; Glance then leaves the data in the store, we remove it as any delete does).
 */
export async function deletesLater(image: { id: string; status: string }, isAdmin: boolean): Promise<boolean> {
  if (!getConfig().delayedDelete.enabled || (image.status === 'deactivated' && !isAdmin)) return false;
  return (await liveLocations(image.id)).length > 0;
}

export async function deleteLater(actor: Actor, imageId: string, status: string): Promise<void> {
  // Glance sets the status first: a deactivated image refuses pending_delete with its domain's 400.
  if (!allowsAction(status, 'pending_delete', 'delayed_delete')) throw new BadRequest(`Image status transition from ${status} to pending_delete is not allowed`);
  const now = nowSeconds();
  await inTransaction(async (tx) => {
    await changeStatus(tx, actor, imageId, status, 'pending_delete', 'delayed_delete', { deleted: true, deletedAt: now });
    await softDeleteChildren(tx, imageId, now, 'pending_delete');
  });
}
