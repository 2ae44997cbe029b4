// GET, POST /v2/images/{id}/members.
import { json } from '@/lib/http/respond';
import { glanceRoute, methodNotAllowed, readJson } from '@/http/glance-route';
import { addMember, listMembers } from '@/lib/images/members';

export const dynamic = 'force-dynamic';

type Params = { imageId: string };

export const GET = glanceRoute<Params>(async ({ ctx, params }) => json(await listMembers(ctx, params.imageId)));

// Glance answers 200 (not 201) to a new member.
export const POST = glanceRoute<Params>(async ({ req, ctx, params }) => json(await addMember(ctx, params.imageId, await readJson(req))));

const notAllowed = methodNotAllowed(['GET', 'POST']);
export const PUT = notAllowed.PUT;
export const PATCH = notAllowed.PATCH;
export const DELETE = notAllowed.DELETE;
