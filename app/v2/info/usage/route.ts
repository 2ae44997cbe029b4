// GET /v2/info/usage: the caller's project's unified-limit usage ({} when
// use_keystone_limits is off), as Glance's InfoController.get_usage.
import { json } from '@/lib/http/respond';
import { glanceRoute, notRouted } from '@/http/glance-route';
import { usageOf } from '@/lib/quotas/enforce';

export const dynamic = 'force-dynamic';

export const GET = glanceRoute(async ({ ctx }) => json({ usage: await usageOf(ctx.projectId) }));

// Glance routes only GET here (no 405 catch-all): anything else is its 404.
export const { HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = notRouted(['GET']);
