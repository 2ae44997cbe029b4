// Image members: GET/POST /v2/images/{id}/members and
// GET/PUT/DELETE /v2/images/{id}/members/{member}, with Glance's rules and
// messages. A share starts `pending`; the member accepts or rejects it.
import type { RequestContext } from '@/lib/auth/context';
import { db } from '@/lib/db/client';
import { BadRequest, Conflict, Forbidden, NotFound } from '@/lib/errors';
import type { ImageMember } from '@/lib/generated/prisma/client';
import { assertCanAddMember, assertCanDeleteMember, assertCanUpdateMember, visibleMembers } from '@/lib/policy';
import { nowSeconds } from './repository';
import { assertMemberQuota } from './quotas';
import { loadVisible } from './service';
import { isoSeconds } from './view';

export const MEMBER_STATUSES = ['pending', 'accepted', 'rejected'] as const;

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

function onlyShared(image: { visibility: string }): void {
  if (image.visibility !== 'shared') throw new Forbidden('Only shared images have members.');
}

function bodyObject(body: unknown): Record<string, unknown> {
  return body !== null && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
}

export async function listMembers(ctx: RequestContext, imageId: string) {
  const image = await loadVisible(ctx, imageId);
  onlyShared(image);
  const rows = await db().imageMember.findMany({ where: { imageId, deleted: false }, orderBy: { id: 'asc' } });
  return { members: visibleMembers(ctx, image, rows).map(memberView), schema: '/v2/schemas/members' };
}

async function findMember(ctx: RequestContext, imageId: string, member: string) {
  const image = await loadVisible(ctx, imageId);
  onlyShared(image);
  const row = await db().imageMember.findFirst({ where: { imageId, member, deleted: false } });
  if (!row || visibleMembers(ctx, image, [row]).length === 0) {
    throw new NotFound(`${member} not found in the member list of the image ${imageId}.`);
  }
  return { image, row };
}

export async function showMember(ctx: RequestContext, imageId: string, member: string): Promise<MemberView> {
  return memberView((await findMember(ctx, imageId, member)).row);
}

export async function addMember(ctx: RequestContext, imageId: string, body: unknown): Promise<MemberView> {
  const image = await loadVisible(ctx, imageId);
  assertCanAddMember(ctx, image);
  const member = bodyObject(body).member;
  if (member === undefined) throw new BadRequest('Member to be added not specified');
  if (typeof member !== 'string' || member.trim() === '' || member.length > 255) {
    throw new BadRequest(`Invalid member: ${JSON.stringify(member)}`);
  }
  assertMemberQuota(imageId, image.members.length);
  if (image.members.some((m) => m.member === member)) throw new Conflict(`Member ${member} is duplicated for image ${imageId}`);
  const now = nowSeconds();
  try {
    const row = await db().imageMember.create({ data: { imageId, member, status: 'pending', createdAt: now, updatedAt: now } });
    return memberView(row);
  } catch (err) {
    if ((err as { code?: string }).code === 'P2002') throw new Conflict(`Member ${member} is duplicated for image ${imageId}`);
    throw err;
  }
}

export async function updateMember(ctx: RequestContext, imageId: string, member: string, body: unknown): Promise<MemberView> {
  const { image, row } = await findMember(ctx, imageId, member);
  assertCanUpdateMember(ctx, image, member);
  const status = bodyObject(body).status;
  if (status === undefined) throw new BadRequest('Status not specified');
  if (typeof status !== 'string' || !(MEMBER_STATUSES as readonly string[]).includes(status)) {
    throw new BadRequest('Incorrect request: Status must be "pending", "accepted" or "rejected".');
  }
  const updated = await db().imageMember.update({ where: { id: row.id }, data: { status, updatedAt: nowSeconds() } });
  return memberView(updated);
}

export async function removeMember(ctx: RequestContext, imageId: string, member: string): Promise<void> {
  const { image, row } = await findMember(ctx, imageId, member);
  assertCanDeleteMember(ctx, image);
  const now = nowSeconds();
  await db().imageMember.update({ where: { id: row.id }, data: { deleted: true, deletedAt: now, updatedAt: now } });
}
