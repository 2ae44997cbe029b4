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
