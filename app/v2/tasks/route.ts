// GET /v2/tasks: Glance's (admin) task list.
import { json } from '@/lib/http/respond';
import { glanceRoute, methodNotAllowed } from '@/http/glance-route';
import { indexTasks } from '@/lib/tasks/service';

export const dynamic = 'force-dynamic';

export const GET = glanceRoute(async ({ req, ctx }) => json(await indexTasks(ctx, new URL(req.url).searchParams)), { rejectBody: true });

export const { HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = methodNotAllowed(['GET']);
