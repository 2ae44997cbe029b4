// Console: the image cache page's data (GET) and clearing it (DELETE ?target=cache|queue, none = both).
import { json, noContent } from '@/lib/http/respond';
import { consoleRoute } from '@/http/console-route';
import { cachePage } from '@/lib/console/cache';
import { clearCache } from '@/lib/cache/api';

export const dynamic = 'force-dynamic';

export const GET = consoleRoute(async ({ ctx }) => json(await cachePage(ctx)));

export const DELETE = consoleRoute(async ({ req, ctx }) => {
  await clearCache(ctx, new URL(req.url).searchParams.get('target'));
  return noContent();
});
