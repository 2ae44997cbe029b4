// Console row actions: deactivate/reactivate (Glance's actions) and
// protect/unprotect (a patch of `protected`).
import { NotFound } from '@/lib/errors';
import { json, noContent } from '@/lib/http/respond';
import { consoleRoute } from '@/http/console-route';
import type { RequestContext } from '@/lib/auth/context';
import { patchImage } from '@/lib/images/patch';
import { deactivateImage, reactivateImage } from '@/lib/images/image-service';

export const dynamic = 'force-dynamic';

const setProtected = (value: boolean) => (ctx: RequestContext, id: string) => patchImage(ctx, id, [{ op: 'replace', path: ['protected'], value }]);

const ACTIONS: Record<string, (ctx: RequestContext, id: string) => Promise<unknown>> = {
  deactivate: deactivateImage,
  reactivate: reactivateImage,
  protect: setProtected(true),
  unprotect: setProtected(false),
};

export const POST = consoleRoute<{ imageId: string; action: string }>(async ({ ctx, params }) => {
  const act = ACTIONS[params.action];
  if (!act) throw new NotFound();
  const result = await act(ctx, params.imageId);
  return result ? json(result) : noContent();
});
