// Console: the signed-in project's unified-limit usage, as GET /v2/info/usage
// ({} when use_keystone_limits is off).
import { json } from '@/lib/http/respond';
import { consoleRoute } from '@/http/console-route';
import { usageOf } from '@/lib/quotas/enforce';

export const dynamic = 'force-dynamic';

export const GET = consoleRoute(async ({ ctx }) => json({ usage: await usageOf(ctx.projectId) }));
