// The console's cache page: Glance's cache state (same checks as GET
// /v2/cache) with each image's name, and the active images an admin may queue.
import type { RequestContext } from '@/lib/auth/context';
import { db } from '@/lib/db/client';
import { cacheState } from '@/lib/cache/api';

export interface CachePage {
  cached: { image_id: string; name: string | null; hits: number; last_accessed: number; last_modified: number; size: number }[];
  queued: { image_id: string; name: string | null }[];
  /** Active images not cached or queued yet, newest first (the "Queue an image" choices). */
  queueable: { id: string; name: string | null }[];
}

const QUEUEABLE_LIMIT = 500;

export async function cachePage(ctx: RequestContext): Promise<CachePage> {
  const state = await cacheState(ctx);
  const known = [...state.cached_images.map((e) => e.image_id), ...state.queued_images];
  const rows = await db().image.findMany({ where: { id: { in: known } }, select: { id: true, name: true } });
  const names = new Map(rows.map((r) => [r.id, r.name]));
  const queueable = await db().image.findMany({
    where: { status: 'active', deleted: false, id: { notIn: known } },
    select: { id: true, name: true },
    orderBy: { createdAt: 'desc' },
    take: QUEUEABLE_LIMIT,
  });
  return {
    cached: state.cached_images.map((e) => ({ ...e, name: names.get(e.image_id) ?? null })),
    queued: state.queued_images.map((id) => ({ image_id: id, name: names.get(id) ?? null })),
    queueable,
  };
}
