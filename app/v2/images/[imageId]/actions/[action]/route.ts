// POST /v2/images/{id}/actions/deactivate|reactivate.
import type { NextRequest } from 'next/server';
import { NotFound } from '@/lib/errors';
import { noContent } from '@/lib/http/respond';
import { glanceRoute, methodNotAllowed } from '@/http/glance-route';
import { deactivateImage, reactivateImage } from '@/lib/images/image-service';

export const dynamic = 'force-dynamic';

type Params = { imageId: string; action: string };

const ACTIONS: Record<string, typeof deactivateImage> = { deactivate: deactivateImage, reactivate: reactivateImage };

export const POST = glanceRoute<Params>(
  async ({ ctx, params }) => {
    const act = Object.hasOwn(ACTIONS, params.action) ? ACTIONS[params.action] : null;
    if (!act) throw new NotFound();
    await act(ctx, params.imageId);
    return noContent();
  },
  { rejectBody: true },
);

// Other methods: 405 on a known action, 404 (no such route) otherwise.
const notAllowed = methodNotAllowed(['POST']).GET!;
const other = async (req: NextRequest, segment: { params: Promise<Params> }) => {
  const { action } = await segment.params;
  return Object.hasOwn(ACTIONS, action) ? notAllowed(req) : glanceRoute<Params>(async () => { throw new NotFound(); })(req, segment);
};
export { other as GET, other as HEAD, other as PUT, other as PATCH, other as DELETE, other as OPTIONS };
