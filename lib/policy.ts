// Glance's default access rules, in one place.
import type { RequestContext } from '@/lib/auth/context';
import type { Image, ImageMember } from '@/lib/generated/prisma/client';
import { Forbidden } from '@/lib/errors';

type ImageLike = Pick<Image, 'owner' | 'visibility'> & { members?: Pick<ImageMember, 'member' | 'deleted'>[] };

export function isOwner(ctx: RequestContext, image: Pick<Image, 'owner'>): boolean {
  return ctx.projectId !== null && image.owner === ctx.projectId;
}

/** May this context see (show, list, download) the image at all? Else it is 404. */
export function canSee(ctx: RequestContext, image: ImageLike): boolean {
  if (ctx.isAdmin || isOwner(ctx, image)) return true;
  if (image.visibility === 'public' || image.visibility === 'community') return true;
  if (image.visibility === 'shared' && ctx.projectId) {
    return (image.members ?? []).some((m) => !m.deleted && m.member === ctx.projectId);
  }
  return false;
}

/** Owners and admins change an image; everyone else who can see it gets 403. */
export function assertCanModify(ctx: RequestContext, image: Pick<Image, 'owner'>): void {
  if (ctx.isAdmin || isOwner(ctx, image)) return;
  throw new Forbidden('You do not own this image');
}

export function assertCanSetVisibility(ctx: RequestContext, visibility: string): void {
  if (visibility === 'public' && !ctx.isAdmin) throw new Forbidden('You are not authorized to complete publicize_image action.');
}

export function assertAdmin(ctx: RequestContext, action: string): void {
  if (!ctx.isAdmin) throw new Forbidden(`You are not authorized to complete ${action} action.`);
}

// ---- image members (Glance's add/get/modify/delete_member rules) ----

/** Owners and admins share an image, and only a `shared` one. */
export function assertCanAddMember(ctx: RequestContext, image: Pick<Image, 'id' | 'owner' | 'visibility'>): void {
  if (image.visibility !== 'shared' || !(ctx.isAdmin || isOwner(ctx, image))) {
    throw new Forbidden(`Not allowed to create members for image ${image.id}.`);
  }
}

/** Only the member itself (or an admin) accepts or rejects a share; the owner cannot. */
export function assertCanUpdateMember(ctx: RequestContext, image: Pick<Image, 'id'>, member: string): void {
  if (!(ctx.isAdmin || ctx.projectId === member)) throw new Forbidden(`Not allowed to update members for image ${image.id}.`);
}

export function assertCanDeleteMember(ctx: RequestContext, image: Pick<Image, 'id' | 'owner'>): void {
  if (!(ctx.isAdmin || isOwner(ctx, image))) throw new Forbidden(`Not allowed to delete members for image ${image.id}.`);
}

/** Owners and admins see every member of an image; a member sees only itself. */
export function visibleMembers<M extends Pick<ImageMember, 'member'>>(ctx: RequestContext, image: Pick<Image, 'owner'>, members: M[]): M[] {
  if (ctx.isAdmin || isOwner(ctx, image)) return members;
  return members.filter((m) => m.member === ctx.projectId);
}
