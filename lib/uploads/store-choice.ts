// Which store a console upload goes to. The console lets only admins choose
// (Glance's API lets any uploader send X-Image-Meta-Store; the console keeps
// placement an operator's decision), and only where several stores exist.
import type { RequestContext } from '@/lib/auth/context';
import { BadRequest, Forbidden } from '@/lib/errors';
import { stores } from '@/lib/stores';

export interface StoreOption {
  id: string;
  description: string | null;
}

/** What the upload form offers: null = no picker (not an admin, or one store only). */
export interface UploadStoreChoices {
  defaultId: string;
  stores: StoreOption[];
}

export function uploadStoreChoices(ctx: RequestContext): UploadStoreChoices | null {
  const all = stores();
  if (!ctx.isAdmin || !all.multiStore || all.all().length < 2) return null;
  return { defaultId: all.defaultId, stores: all.all().map((s) => ({ id: s.id, description: s.description })) };
}

/**
 * The store an upload's metadata names, checked when the upload is created:
 * null = the default store. Single-store sites ignore it, as Glance ignores
 * X-Image-Meta-Store without enabled_backends.
 */
export function checkUploadStore(ctx: RequestContext, requested: string | null | undefined): string | null {
  const all = stores();
  if (!requested || !all.multiStore) return null;
  if (!ctx.isAdmin) throw new Forbidden('Only administrators may choose the store an upload goes to.');
  if (!all.byId(requested)) {
    throw new BadRequest(`Unknown store '${requested}': the enabled stores are ${all.all().map((s) => s.id).join(', ')}.`);
  }
  return requested;
}
