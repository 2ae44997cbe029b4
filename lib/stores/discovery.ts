// Glance's store discovery (glance/api/v2/discovery.py): GET /v2/info/stores
// and /v2/info/stores/detail, and the store ids a create response announces.
import type { RequestContext } from '@/lib/auth/context';
import { NotFound } from '@/lib/errors';
import { enforce } from '@/lib/policy';
import { stores } from './index';

export interface StoreInfo {
  id: string;
  description?: string;
  default?: 'true';
}

export interface StoreDetail extends StoreInfo {
  type: string;
  properties: Record<string, unknown>;
  weight: number;
}

/** The enabled stores in enabled_backends order; 404 in Glance's words without enabled_backends. */
export function storesInfo(): { stores: StoreInfo[] } {
  const set = stores();
  if (!set.multiStore) throw new NotFound('Multi backend is not supported at this site.');
  return {
    stores: set.all().map((s) => ({
      id: s.id,
      // Glance leaves out an empty description and writes "default" as a string.
      ...(s.description ? { description: s.description } : {}),
      ...(s.id === set.defaultId ? { default: 'true' as const } : {}),
    })),
  };
}

/**
 * Admin only (the stores_info_detail rule), checked after the 404 as Glance
 * does. `weight` is not in Glance 25.1's answer; later Glance adds it after
 * `properties`, as here (the issue asks for it).
 */
export function storesDetail(ctx: RequestContext): { stores: StoreDetail[] } {
  const info = storesInfo().stores;
  enforce(ctx, 'stores_info_detail', {});
  const set = stores();
  return {
    stores: info.map((i) => {
      const s = set.byId(i.id)!;
      return { ...i, type: s.type, properties: s.properties(), weight: s.weight };
    }),
  };
}

/** OpenStack-image-store-ids of POST /v2/images: the enabled ids in enabled_backends order; null in single-store mode. */
export function storeIdsHeader(): string | null {
  const set = stores();
  return set.multiStore ? set.all().map((s) => s.id).join(',') : null;
}
