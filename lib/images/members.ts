// Image members: GET/POST /v2/images/{id}/members and
// GET/PUT/DELETE /v2/images/{id}/members/{member}, with Glance's rules and
// messages. A share starts `pending`; the member accepts or rejects it.
import type { RequestContext } from '@/lib/auth/context';
import { BadRequest, Conflict, Forbidden, NotFound } from '@/lib/errors';
import type { ImageMember } from '@/lib/generated/prisma/client';
import { canSee, enforceOnMembers, visibleMembers } from '@/lib/policy';
import { findLiveImage, insertPendingMember, liveMember, liveMembers, setMemberStatus, softDeleteMember } from './repository';
import { MEMBER_STATUSES } from './constants';
import { assertMemberQuota } from './quotas';
import { isoSeconds } from './view';

export type MemberView = ReturnType<typeof memberView>;

export function memberView(m: ImageMember) {
  return {
    member_id: m.member,
    image_id: m.imageId,
    status: m.status,
    created_at: isoSeconds(m.createdAt),
    updated_at: isoSeconds(m.updatedAt ?? m.createdAt),
    schema: '/v2/schemas/member',
  };
}

function bodyObject(body: unknown): Record<string, unknown> {
  return body !== null && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
}

/** The image for a members call, with the members API's own 404. */
async function lookupImage(ctx: RequestContext, imageId: string) {
  const image = await findLiveImage(imageId);
  if (!image || !canSee(ctx, image)) throw new NotFound(`Image ${imageId} not found.`);
  return image;
}

/** Members exist only on shared images; each call words the refusal its own way, as Glance. */
function assertShared(image: { visibility: string }, imageId: string, call: 'list' | 'show' | 'update' | 'delete'): void {
  if (image.visibility === 'shared') return;
  const why = 'Only shared images have members.';
  if (call === 'list') throw new Forbidden(`Not allowed to list members for image ${imageId}: ${why}`);
  if (call === 'show') throw new NotFound(why);
  throw new Forbidden(`Not allowed to ${call} members for image ${imageId}.`);
}

export async function listMembers(ctx: RequestContext, imageId: string) {
  const image = await lookupImage(ctx, imageId);
  assertShared(image, imageId, 'list');
  enforceOnMembers(ctx, 'get_members', image);
  const rows = await liveMembers(imageId);
  return { members: visibleMembers(ctx, image, rows).map(memberView), schema: '/v2/schemas/members' };
}

async function findMember(ctx: RequestContext, imageId: string, member: string, call: 'show' | 'update' | 'delete') {
  const image = await lookupImage(ctx, imageId);
  assertShared(image, imageId, call);
  enforceOnMembers(ctx, 'get_member', image);
  const row = await liveMember(imageId, member);
  if (!row || visibleMembers(ctx, image, [row]).length === 0) {
    throw new NotFound(`${member} not found in the member list of the image ${imageId}.`);
  }
  return { image, row };
}

export async function showMember(ctx: RequestContext, imageId: string, member: string): Promise<MemberView> {
  try {
    return memberView((await findMember(ctx, imageId, member, 'show')).row);
  } catch (err) {
    // Glance answers a refused lookup of one member as 404, so as not to tell it exists.
    if (err instanceof Forbidden) throw new NotFound(err.message);
    throw err;
  }
}

export async function addMember(ctx: RequestContext, imageId: string, body: unknown): Promise<MemberView> {
  const image = await lookupImage(ctx, imageId);
  if (image.visibility !== 'shared') throw new Forbidden(`Not allowed to create members for image ${imageId}.`);
  enforceOnMembers(ctx, 'add_member', image);
  const member = bodyObject(body).member;
  if (member === undefined) throw new BadRequest('Member to be added not specified');
  if (typeof member !== 'string' || member.trim() === '' || member.length > 255) {
    throw new BadRequest(`Invalid member: ${JSON.stringify(member)}`);
  }
  assertMemberQuota(imageId, image.members.length);
  if (image.members.some((m) => m.member === member)) throw new Conflict(`Member ${member} is duplicated for image ${imageId}`);
  try {
    const row = await insertPendingMember(imageId, member);
    return memberView(row);
  } catch (err) {
    if ((err as { code?: string }).code === 'P2002') throw new Conflict(`Member ${member} is duplicated for image ${imageId}`);
    throw err;
  }
}

export async function updateMember(ctx: RequestContext, imageId: string, member: string, body: unknown): Promise<MemberView> {
  const { image, row } = await findMember(ctx, imageId, member, 'update');
  enforceOnMembers(ctx, 'modify_member', image);
  const status = bodyObject(body).status;
  if (status === undefined) throw new BadRequest('Status not specified');
  if (typeof status !== 'string' || !MEMBER_STATUSES.includes(status)) {
    throw new BadRequest('Incorrect request: Status must be "pending", "accepted" or "rejected".');
  }
  const updated = await setMemberStatus(row.id, status);
  return memberView(updated);
}

export async function removeMember(ctx: RequestContext, imageId: string, member: string): Promise<void> {
  const { image, row } = await findMember(ctx, imageId, member, 'delete');
  enforceOnMembers(ctx, 'delete_member', image);
  await softDeleteMember(row.id);
}
