// POST /v2/images/{id}/actions/deactivate|reactivate.
import { NotFound } from '@/lib/errors';
import { noContent } from '@/lib/http/respond';
import { glanceRoute } from '@/lib/http/route';
import { deactivateImage, reactivateImage } from '@/lib/images/service';

export const dynamic = 'force-dynamic';

const ACTIONS = { deactivate: deactivateImage, reactivate: reactivateImage } as const;

export const POST = glanceRoute<{ imageId: string; action: string }>(async ({ ctx, params }) => {
  const act = ACTIONS[params.action as keyof typeof ACTIONS];
  if (!act) throw new NotFound();
  await act(ctx, params.imageId);
  return noContent();
});
