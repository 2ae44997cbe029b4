// Console: queue an image for the cache (PUT) or take it out of cache and queue (DELETE), as /v2/cache/{id}.
import { noContent } from '@/lib/http/respond';
import { consoleRoute } from '@/http/console-route';
import { deleteCacheEntry, queueImage } from '@/lib/cache/api';

export const dynamic = 'force-dynamic';

type Params = { imageId: string };

export const PUT = consoleRoute<Params>(async ({ ctx, params }) => {
  await queueImage(ctx, params.imageId);
  return noContent();
});

export const DELETE = consoleRoute<Params>(async ({ ctx, params }) => {
  await deleteCacheEntry(ctx, params.imageId);
  return noContent();
});
