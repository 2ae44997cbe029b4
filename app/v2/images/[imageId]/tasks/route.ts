// GET /v2/images/{id}/tasks: the image's import tasks, as Glance's database rows.
import { json } from '@/lib/http/respond';
import { glanceRoute, methodNotAllowed } from '@/http/glance-route';
import { imageTasks } from '@/lib/tasks/service';

export const dynamic = 'force-dynamic';

type Params = { imageId: string };

export const GET = glanceRoute<Params>(async ({ ctx, params }) => json(await imageTasks(ctx, params.imageId)), { rejectBody: true });

export const { HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = methodNotAllowed(['GET']);
