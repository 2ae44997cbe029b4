// What the console's image page shows beyond `GET /v2/images/{id}`: members,
// (for admins) locations, and the image's event timeline.
import type { RequestContext } from '@/lib/auth/context';
import { db } from '@/lib/db/client';
import { loadVisible } from '@/lib/images/service';
import { imageView, isoSeconds, type ImageView } from '@/lib/images/view';
import { enforceOnImage, imageActions, type ImageActions } from '@/lib/policy';

export interface TimelineEntry {
  id: string;
  action: string;
  from: string | null;
  to: string | null;
  reason: string | null;
  userId: string | null;
  projectId: string | null;
  requestId: string | null;
  at: string;
}

export interface ImageDetail {
  image: ImageView;
  members: { member: string; status: string; created_at: string | null }[];
  locations: { url: string; status: string }[] | null;
  events: TimelineEntry[];
  /** Which actions the policy allows this caller on this image (the console offers only those). */
  allowed: ImageActions;
}

export async function imageEvents(imageId: string): Promise<TimelineEntry[]> {
  const rows = await db().imageEvent.findMany({ where: { imageId }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
  return rows.map((e) => ({
    id: String(e.id),
    action: e.action,
    from: e.fromStatus,
    to: e.toStatus,
    reason: e.reason,
    userId: e.userId,
    projectId: e.projectId,
    requestId: e.requestId,
    at: e.createdAt.toISOString(),
  }));
}

export async function imageDetail(ctx: RequestContext, id: string): Promise<ImageDetail> {
  const row = await loadVisible(ctx, id);
  enforceOnImage(ctx, 'get_image', row);
  const image = imageView(row); // exactly what GET /v2/images/{id} shows
  const locations = ctx.isAdmin
    ? (await db().imageLocation.findMany({ where: { imageId: id, deleted: false }, orderBy: { id: 'asc' } })).map((l) => ({ url: l.value, status: l.status }))
    : null;
  return {
    image,
    members: row.members.map((m) => ({ member: m.member, status: m.status, created_at: isoSeconds(m.createdAt) })),
    locations,
    events: await imageEvents(id),
    allowed: imageActions(ctx, row),
  };
}
