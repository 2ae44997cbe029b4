// The console's view of delayed delete, for admins only (Glance's restore is
// an operator's command): the images awaiting the scrubber, and their restore.
import type { RequestContext } from '@/lib/auth/context';
import { getConfig } from '@/lib/config';
import { Forbidden } from '@/lib/errors';
import { pendingDeleteImages } from '@/lib/images/repository';
import { restoreImage } from '@/lib/images/restore';

export interface PendingDelete {
  id: string;
  name: string | null;
  owner: string | null;
  size: number | null;
  deleted_at: string | null;
  /** When the scrubber may remove the data (deleted_at + scrub_time). */
  scrub_after: string | null;
}

function adminOnly(ctx: RequestContext): void {
  if (!ctx.isAdmin) throw new Forbidden('Only an admin may see or restore images awaiting deletion.');
}

export async function listPendingDeletes(ctx: RequestContext): Promise<{ images: PendingDelete[] }> {
  adminOnly(ctx);
  const scrubMs = getConfig().delayedDelete.scrubTime * 1000;
  const rows = await pendingDeleteImages();
  return {
    images: rows.map((r) => ({
      id: r.id,
      name: r.name,
      owner: r.owner,
      size: r.size === null ? null : Number(r.size),
      deleted_at: r.deletedAt?.toISOString() ?? null,
      scrub_after: r.deletedAt ? new Date(r.deletedAt.getTime() + scrubMs).toISOString() : null,
    })),
  };
}

export async function restoreFromConsole(ctx: RequestContext, imageId: string): Promise<void> {
  adminOnly(ctx);
  await restoreImage(ctx, imageId);
}
