// GET, PUT, DELETE /v2/images/{id}/members/{member}.
import { json, noContent } from '@/lib/http/respond';
import { glanceRoute, methodNotAllowed, readJson } from '@/http/glance-route';
import { removeMember, showMember, updateMember } from '@/lib/images/members';

export const dynamic = 'force-dynamic';

type Params = { imageId: string; memberId: string };

export const GET = glanceRoute<Params>(async ({ ctx, params }) => json(await showMember(ctx, params.imageId, params.memberId)));

export const PUT = glanceRoute<Params>(async ({ req, ctx, params }) =>
  json(await updateMember(ctx, params.imageId, params.memberId, await readJson(req))),
);

export const DELETE = glanceRoute<Params>(async ({ ctx, params }) => {
  await removeMember(ctx, params.imageId, params.memberId);
  return noContent();
});

const notAllowed = methodNotAllowed(['GET', 'PUT', 'DELETE']);
export const POST = notAllowed.POST;
export const PATCH = notAllowed.PATCH;
