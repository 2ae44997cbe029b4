// GET /v2/tasks/{id}: one task with its input, result and message.
import { json } from '@/lib/http/respond';
import { glanceRoute, methodNotAllowed } from '@/http/glance-route';
import { showTask } from '@/lib/tasks/service';

export const dynamic = 'force-dynamic';

type Params = { taskId: string };

export const GET = glanceRoute<Params>(async ({ ctx, params }) => json(await showTask(ctx, params.taskId)), { rejectBody: true });

export const { HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = methodNotAllowed(['GET']);
