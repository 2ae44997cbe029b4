// Who may do what: Glance's policy rules (lib/policy/defaults.ts, overridable
// by [oslo_policy] policy_file) evaluated over the request's roles and the
// image, with Glance's answers: 404 for an image the caller may not see, 403
// "You are not authorized to complete <rule> action." for one it may.
// The API, the console and its buttons all ask here.
import type { RequestContext } from '@/lib/auth/context';
import { getConfig } from '@/lib/config';
import type { Image, ImageMember } from '@/lib/generated/prisma/client';
import { Forbidden, GlanceError, NotFound } from '@/lib/errors';
import { evaluate, type Credentials, type Target } from '@/lib/policy/check-string';
import { loadRuleSet, type RuleSet } from '@/lib/policy/rules';

let rules: RuleSet | null = null;

/** The rules in force for this process (read once; start-up reads them first, so a bad file never serves). */
export function ruleSet(): RuleSet {
  rules ??= loadRuleSet(getConfig().policyFile);
  return rules;
}

function credentialsOf(ctx: Pick<RequestContext, 'roles' | 'projectId' | 'userId' | 'isAdmin'>): Credentials {
  return { roles: ctx.roles, project_id: ctx.projectId, user_id: ctx.userId, is_admin: ctx.isAdmin };
}

/** Does the named rule allow this context on this target? An unknown rule denies. */
export function allows(ctx: Pick<RequestContext, 'roles' | 'projectId' | 'userId' | 'isAdmin'>, rule: string, target: Target): boolean {
  const set = ruleSet();
  const check = set.get(rule);
  return check !== undefined && evaluate(check, target, credentialsOf(ctx), (name) => set.get(name));
}

/** Glance's context.is_admin: the `context_is_admin` rule over the caller's roles. */
export function contextIsAdmin(roles: string[], projectId: string | null, userId: string | null): boolean {
  return allows({ roles, projectId, userId, isAdmin: false }, 'context_is_admin', { project_id: projectId, user_id: userId });
}

export function notAuthorized(rule: string): Forbidden {
  return new Forbidden(`You are not authorized to complete ${rule} action.`);
}

type ImageLike = Pick<Image, 'owner' | 'visibility'> & { members?: Pick<ImageMember, 'member' | 'deleted'>[] };
export type TargetImage = { owner: string | null; visibility: string; id?: string; status?: string; protected?: boolean };

/**
 * An existing image as a policy target (Glance's ImageTarget): project_id is
 * the owner; member_id is the caller's project when it reaches a shared image
 * it does not own (it got there as a member).
 */
export function imageTarget(ctx: Pick<RequestContext, 'projectId'>, image: TargetImage): Target {
  const member = image.visibility === 'shared' && ctx.projectId !== image.owner ? ctx.projectId : null;
  return {
    project_id: image.owner,
    owner: image.owner,
    member_id: member,
    visibility: image.visibility,
    id: image.id ?? null,
    status: image.status ?? null,
    protected: image.protected ?? null,
  };
}

/** An image about to be created, as Glance's target for add_image (visibility private unless given). */
export function proposedImageTarget(owner: string | null, visibility: string | undefined): Target {
  return { project_id: owner, owner, visibility: visibility ?? 'private' };
}

export function enforce(ctx: RequestContext, rule: string, target: Target): void {
  if (!allows(ctx, rule, target)) throw notAuthorized(rule);
}

/** Glance's ImageAPIPolicy: refused on an image the caller cannot get is 404, else 403. */
export function enforceOnImage(ctx: RequestContext, rule: string, image: TargetImage): void {
  const target = imageTarget(ctx, image);
  if (allows(ctx, rule, target)) return;
  if (rule === 'get_image' || !allows(ctx, 'get_image', target)) throw new NotFound();
  throw notAuthorized(rule);
}

/**
 * Data into someone else's image (stage, import): Glance's authorization
 * layer refuses a caller who sees the image but does not own it, before its
 * policy rules, with "You do not own this image".
 */
export function enforceImageDataOwner(ctx: RequestContext, image: TargetImage & Pick<Image, 'owner'>): void {
  if (!ctx.isAdmin && image.owner !== ctx.projectId) throw new Forbidden('You do not own this image');
  enforceOnImage(ctx, 'modify_image', image);
}

/** Glance's MemberAPIPolicy: the image must pass get_image (else 404), then the member rule (else 403). */
export function enforceOnMembers(ctx: RequestContext, rule: string, image: TargetImage): void {
  enforceOnImage(ctx, 'get_image', image);
  if (!allows(ctx, rule, imageTarget(ctx, image))) throw notAuthorized(rule);
}

/** Making an image public or community has its own rule. */
export function enforceVisibility(ctx: RequestContext, visibility: unknown, target: Target): void {
  if (visibility === 'public') enforce(ctx, 'publicize_image', target);
  else if (visibility === 'community') enforce(ctx, 'communitize_image', target);
}

/** Glance's "owned by" refusal of add_image when the owner is not the caller's project. */
export function enforceAddImage(ctx: RequestContext, owner: string | null, visibility: string | undefined, pyOwner: string): void {
  const target = proposedImageTarget(owner, visibility);
  if (!allows(ctx, 'add_image', target)) {
    if (owner !== ctx.projectId) throw GlanceError.withDetail(new Forbidden(), `You are not permitted to create images owned by '${pyOwner}'`);
    throw notAuthorized('add_image');
  }
  if (visibility !== undefined) enforceVisibility(ctx, visibility, target);
}

export function isOwner(ctx: RequestContext, image: Pick<Image, 'owner'>): boolean {
  return ctx.projectId !== null && image.owner === ctx.projectId;
}

/**
 * May this context reach the image at all (Glance's database-level
 * visibility)? Else it is 404 whatever the rules say.
 */
export function canSee(ctx: RequestContext, image: ImageLike): boolean {
  if (ctx.isAdmin || isOwner(ctx, image)) return true;
  if (image.visibility === 'public' || image.visibility === 'community') return true;
  if (image.visibility === 'shared' && ctx.projectId) {
    return (image.members ?? []).some((m) => !m.deleted && m.member === ctx.projectId);
  }
  return false;
}

/** Owners and admins see every member of an image; a member sees only itself. */
export function visibleMembers<M extends Pick<ImageMember, 'member'>>(ctx: RequestContext, image: Pick<Image, 'owner'>, members: M[]): M[] {
  if (ctx.isAdmin || isOwner(ctx, image)) return members;
  return members.filter((m) => m.member === ctx.projectId);
}

/** What the console offers on an image: each answer is the rule the API enforces for it. */
export interface ImageActions {
  edit: boolean;
  delete: boolean;
  upload: boolean;
  download: boolean;
  deactivate: boolean;
  reactivate: boolean;
  protect: boolean;
  share: boolean;
}

export function imageActions(ctx: RequestContext, image: TargetImage): ImageActions {
  const target = imageTarget(ctx, image);
  const may = (rule: string) => allows(ctx, rule, target);
  const modify = may('modify_image');
  return {
    edit: modify,
    delete: may('delete_image'),
    upload: may('upload_image'),
    download: may('download_image'),
    deactivate: may('deactivate'),
    reactivate: may('reactivate'),
    protect: modify,
    share: may('add_member'),
  };
}

/** May this context create images in its own project (the console's upload area)? */
export function mayCreateImages(ctx: RequestContext): boolean {
  return allows(ctx, 'add_image', proposedImageTarget(ctx.projectId, undefined));
}

/**
 * Glance's get_images: listing needs at least a reader of one's project. The
 * target is the caller's own project; without one, Glance compares None with
 * None and lets it list what anyone may see, so the caller matches itself here.
 */
export function enforceList(ctx: RequestContext): void {
  const self = ctx.projectId ?? '';
  enforce({ ...ctx, projectId: self }, 'get_images', proposedImageTarget(self, undefined));
}
