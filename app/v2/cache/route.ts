// GET /v2/cache (cached and queued images) and DELETE /v2/cache (clear): Glance's cache API, admin only.
import { json, noContent } from '@/lib/http/respond';
import { glanceRoute, methodNotAllowed } from '@/http/glance-route';
import { cacheState, clearCache } from '@/lib/cache/api';

export const dynamic = 'force-dynamic';

export const GET = glanceRoute(async ({ ctx }) => json(await cacheState(ctx)), { rejectBody: true });

export const DELETE = glanceRoute(async ({ req, ctx }) => {
  await clearCache(ctx, req.headers.get('x-image-cache-clear-target'));
  return noContent();
});

export const { HEAD, POST, PUT, PATCH, OPTIONS } = methodNotAllowed(['GET', 'DELETE']);
