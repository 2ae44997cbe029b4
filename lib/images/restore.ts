// Restore a pending_delete image to active (glance-scrubber --restore, and the
// console's Restore for admins), with Glance's errors (db image_restore).
// Unlike Glance, whose restore leaves the locations deleted (a restored image
// there has no data), the data the scrubber has not removed comes back with
// the properties, tags and members the delete took. Waits for a scrub in
// progress on the image (its row lock), which then answers the conflict.
import { Conflict, NotFound } from '@/lib/errors';
import type { Actor } from './actor';
import { recordEvent } from './events';
import { inTransaction, lockAnyImage, undeleteImage } from './repository';
import { assertAction } from './state-machine';

export async function restoreImage(actor: Actor, imageId: string): Promise<void> {
  await inTransaction(async (tx) => {
    const row = await lockAnyImage(tx, imageId);
    if (!row) throw new NotFound(`No image found with ID ${imageId}`);
    if (row.status !== 'pending_delete' || !row.deletedAt) {
      throw new Conflict(`cannot restore the image from ${row.status} to active (wanted from_state=pending_delete)`);
    }
    assertAction('pending_delete', 'active', 'restored');
    if ((await undeleteImage(tx, imageId, row.deletedAt)) === 0) throw new Conflict(`cannot restore the image ${imageId}: its data is no longer in any store`);
    await recordEvent(tx, actor, { imageId, action: 'restored', from: 'pending_delete', to: 'active' });
  });
}
