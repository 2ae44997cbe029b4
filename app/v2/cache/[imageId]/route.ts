// PUT /v2/cache/{id} (queue for the prefetcher, 202) and DELETE (out of cache and queue, 204).
import { noContent } from '@/lib/http/respond';
import { glanceRoute, methodNotAllowed } from '@/http/glance-route';
import { deleteCacheEntry, queueImage } from '@/lib/cache/api';

export const dynamic = 'force-dynamic';

type Params = { imageId: string };

export const PUT = glanceRoute<Params>(async ({ ctx, params }) => {
  await queueImage(ctx, params.imageId);
  return new Response(null, { status: 202, headers: { 'Content-Type': 'text/html; charset=UTF-8', 'Content-Length': '0' } });
});

export const DELETE = glanceRoute<Params>(async ({ ctx, params }) => {
  await deleteCacheEntry(ctx, params.imageId);
  return noContent();
});

export const { GET, HEAD, POST, PATCH, OPTIONS } = methodNotAllowed(['DELETE', 'PUT']);
