// The tasks API (GET /v2/tasks, /v2/tasks/{id}, /v2/images/{id}/tasks) with
// Glance's checks: tasks_api_access (admin by default) for /v2/tasks, the
// image's get_image for an image's tasks (404 when refused, as Glance).
import type { RequestContext } from '@/lib/auth/context';
import { BadRequest, NotFound } from '@/lib/errors';
import { loadVisible } from '@/lib/images/image-service';
import { DEFAULT_LIMIT, MAX_LIMIT } from '@/lib/images/listing/params';
import { enforce, enforceOnImage } from '@/lib/policy';
import { findTask, listTasks, softDeleteExpired, tasksOfImage, TASK_STATUSES, type TaskListQuery, type TaskRow } from './repository';
import { imageTaskView, taskStubView, taskView } from './view';

const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

function assertTasksApi(ctx: RequestContext): void {
  enforce(ctx, 'tasks_api_access', { project_id: ctx.projectId, user_id: ctx.userId });
}

/** Glance's _is_task_visible: admins see every task, others their project's. */
function visible(ctx: RequestContext, t: TaskRow): boolean {
  return ctx.isAdmin || t.owner === (ctx.projectId ?? '');
}

export async function showTask(ctx: RequestContext, id: string): Promise<Record<string, unknown>> {
  assertTasksApi(ctx);
  const t = await findTask(id);
  if (!t || !visible(ctx, t)) throw new NotFound(`Could not find task ${id}`);
  return taskView(t);
}

const SORT_KEYS = ['created_at', 'updated_at', 'id', 'type', 'status'] as const;
const FILTER_COLUMNS: Record<string, keyof TaskListQuery['filters'] | 'owner' | 'imageId' | 'requestId' | 'userId'> = {
  status: 'status', type: 'type',
};

/** GET /v2/tasks: Glance's parameters (limit, marker, sort_key, sort_dir, status, type filters). */
export async function indexTasks(ctx: RequestContext, params: URLSearchParams): Promise<Record<string, unknown>> {
  assertTasksApi(ctx);
  const sortDir = params.get('sort_dir') ?? 'desc';
  if (sortDir !== 'asc' && sortDir !== 'desc') throw new BadRequest(`Invalid sort direction: ${sortDir}`);
  const sortKey = params.get('sort_key') ?? 'created_at';
  const status = params.get('status');
  if (status && !TASK_STATUSES.includes(status as never)) throw new BadRequest(`Invalid status value: ${status}`);
  const type = params.get('type');
  if (type && type !== 'import') throw new BadRequest(`Invalid type value: ${type}`);
  const marker = params.get('marker');
  if (marker && !UUID.test(marker)) throw new BadRequest('Invalid marker format');
  let limit = DEFAULT_LIMIT;
  const rawLimit = params.get('limit');
  if (rawLimit !== null) {
    if (!/^\s*[-+]?\d+\s*$/.test(rawLimit)) throw new BadRequest('limit param must be an integer');
    limit = Number(rawLimit);
    if (limit < 0) throw new BadRequest('limit param must be positive');
  }
  limit = Math.min(MAX_LIMIT, limit);
  if (!SORT_KEYS.includes(sortKey as never)) throw new BadRequest('Sort key supplied was not valid.');
  const owner = ctx.isAdmin ? null : (ctx.projectId ?? '');
  await softDeleteExpired(ctx.projectId ?? '');
  let markerRow: TaskRow | null = null;
  if (marker) {
    markerRow = await findTask(marker);
    if (!markerRow || !visible(ctx, markerRow)) throw new BadRequest(`Task with the given id ${marker} was not found`);
  }
  const filters: TaskListQuery['filters'] = {};
  for (const [name, key] of Object.entries(FILTER_COLUMNS)) {
    const v = params.get(name);
    if (v) (filters as Record<string, string>)[key] = v;
  }
  const rows = await listTasks({ filters, owner, marker: markerRow, limit, sortKey: sortKey as TaskListQuery['sortKey'], sortDir });
  const rest = new URLSearchParams(params);
  rest.delete('marker');
  const query = rest.toString();
  const body: Record<string, unknown> = {
    tasks: rows.map(taskStubView),
    first: query ? `/v2/tasks?${query}` : '/v2/tasks',
    schema: '/v2/schemas/tasks',
  };
  if (rows.length !== 0 && rows.length === limit) {
    rest.set('marker', rows[rows.length - 1].id);
    body.next = `/v2/tasks?${rest.toString()}`;
  }
  return body;
}

/** GET /v2/images/{id}/tasks: the image's unexpired tasks (404 for an image the caller cannot get). */
export async function imageTasks(ctx: RequestContext, imageId: string): Promise<Record<string, unknown>> {
  const image = await loadVisible(ctx, imageId).catch(() => { throw new NotFound(); });
  enforceOnImage(ctx, 'get_image', image);
  await softDeleteExpired(ctx.projectId ?? '');
  const rows = await tasksOfImage(imageId, null);
  return { tasks: rows.filter((t) => visible(ctx, t)).map(imageTaskView) };
}
