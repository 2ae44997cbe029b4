// What the console's image page shows beyond `GET /v2/images/{id}`: members,
// the stores holding its data, (for admins) locations, and the event timeline.
import type { RequestContext } from '@/lib/auth/context';
import { db } from '@/lib/db/client';
import { FAILURE_ACTIONS, publicFailureReason } from '@/lib/images/failure-reasons';
import { imageEventsOf, liveLocations } from '@/lib/images/repository';
import { loadVisible } from '@/lib/images/image-service';
import { imageView, isoSeconds, type ImageView } from '@/lib/images/view';
import { withStoresOne } from '@/lib/images/locations';
import { enforceOnImage, imageActions, type ImageActions } from '@/lib/policy';
import { stores } from '@/lib/stores';
import { withoutCredentials } from '@/lib/stores/location-display';
import type { StoreOption } from '@/lib/uploads/store-choice';
import { imageImports, type ImageImports } from './imports';
import { visibleProjectNames } from './project-names';

/** Who caused an event, by name where the identity directory knows it. */
export interface TimelineActor {
  /** null: the server itself (expiry, recovery after a restart). */
  user: string | null;
  project: string | null;
  requestId: string | null;
}

export interface TimelineEntry {
  id: string;
  action: string;
  from: string | null;
  to: string | null;
  reason: string | null;
  /** Only for those who may know who acts on the image: admins and the owner project's members. */
  actor?: TimelineActor;
  at: string;
}

/** A store holding an image's data, with the operator's store_description. */
export interface ImageStore {
  id: string;
  description: string | null;
}

export interface ImageDetail {
  image: ImageView;
  members: { member: string; status: string; created_at: string | null }[];
  /** Where the data is (multi-store only, as the API's `stores` field); null on a single-store site. */
  stores: ImageStore[] | null;
  /** Admins only (Glance shows locations to nobody by default); URIs without credentials. */
  locations: { url: string; status: string; store: string | null }[] | null;
  events: TimelineEntry[];
  /** Every store of a multi-store site (null: one store), for "Copy to store". */
  storeOptions: StoreOption[] | null;
  /** Import methods, the image's import tasks, and whether copy-image is allowed. */
  imports: ImageImports;
  /** Which actions the policy allows this caller on this image (the console offers only those). */
  allowed: ImageActions;
  /** Owner and member project id -> name, for the ids the caller may see named (the rest show as ids). */
  projectNames: Record<string, string>;
}

/** id -> name for the users and projects of the given ids that the identity directory holds. */
async function namesOf(userIds: string[], projectIds: string[]): Promise<{ users: Map<string, string>; projects: Map<string, string> }> {
  const [users, projects] = await Promise.all([
    userIds.length ? db().identityUser.findMany({ where: { id: { in: userIds } }, select: { id: true, name: true } }) : [],
    projectIds.length ? db().identityProject.findMany({ where: { id: { in: projectIds } }, select: { id: true, name: true } }) : [],
  ]);
  return { users: new Map(users.map((u) => [u.id, u.name])), projects: new Map(projects.map((p) => [p.id, p.name])) };
}

/** The timeline; `withActors` adds who did what (names, or ids the directory does not know). */
export async function imageEvents(imageId: string, withActors: boolean): Promise<TimelineEntry[]> {
  const rows = await imageEventsOf(imageId);
  const ids = (pick: (e: (typeof rows)[number]) => string | null) => [...new Set(rows.map(pick).filter((v): v is string => !!v))];
  const names = withActors ? await namesOf(ids((e) => e.userId), ids((e) => e.projectId)) : null;
  return rows.map((e) => ({
    id: String(e.id),
    action: e.action,
    from: e.fromStatus,
    to: e.toStatus,
    reason: FAILURE_ACTIONS.has(e.action) ? publicFailureReason(e.reason) : e.reason,
    ...(names && {
      actor: {
        user: e.userId ? names.users.get(e.userId) ?? e.userId : null,
        project: e.projectId ? names.projects.get(e.projectId) ?? e.projectId : null,
        requestId: e.requestId,
      },
    }),
    at: e.createdAt.toISOString(),
  }));
}

export async function imageDetail(ctx: RequestContext, id: string): Promise<ImageDetail> {
  const row = await loadVisible(ctx, id);
  enforceOnImage(ctx, 'get_image', row);
  const image = await withStoresOne(ctx, imageView(row)); // exactly what GET /v2/images/{id} shows
  const all = stores();
  const live = (await liveLocations(id)).map((l) => ({
    url: withoutCredentials(l.value),
    status: l.status,
    // Named in the location's metadata, or (written before enabled_backends) the store whose URI it is, as Glance fills it in.
    store: all.multiStore ? all.locationStoreId(l.value, l.metaData) : null,
  }));
  // The API's `stores` field, so a deactivated image's stores stay hidden from non-admins as there.
  const held = [...new Set(String(image.stores ?? '').split(',').filter(Boolean))];
  const locations = ctx.isAdmin ? live : null;
  const mayKnowActors = ctx.isAdmin || (ctx.projectId !== null && ctx.projectId === row.owner);
  return {
    image,
    members: row.members.map((m) => ({ member: m.member, status: m.status, created_at: isoSeconds(m.createdAt) })),
    stores: all.multiStore ? held.map((s) => ({ id: s, description: all.byId(s)?.description ?? null })) : null,
    locations,
    events: await imageEvents(id, mayKnowActors),
    storeOptions: all.multiStore ? all.all().map((s) => ({ id: s.id, description: s.description })) : null,
    imports: await imageImports(ctx, row),
    allowed: imageActions(ctx, row),
    projectNames: await visibleProjectNames(ctx, [row.owner, ...row.members.map((m) => m.member)]),
  };
}
