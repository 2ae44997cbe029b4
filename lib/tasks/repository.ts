// Task rows (Glance's tasks + task_info) through Prisma: the only module that
// reaches those tables. Status changes are conditional (only from the status
// the caller expects), so a task failed by a lock break is not overwritten.
import { db, type Db } from '@/lib/db/client';
import { inTransaction, nowSeconds, type Tx } from '@/lib/images/repository';
import type { Prisma } from '@/lib/generated/prisma/client';

export type TaskStatus = 'pending' | 'processing' | 'success' | 'failure';

export const TASK_STATUSES: readonly TaskStatus[] = ['pending', 'processing', 'success', 'failure'];

export type TaskRow = Prisma.TaskGetPayload<{ include: { info: true } }>;

export interface NewTask {
  id: string;
  type: string;
  owner: string;
  imageId: string | null;
  requestId: string | null;
  userId: string | null;
  input: unknown;
}

/** A new task, pending, with its input (Glance's task_repo.add). */
export async function insertTask(t: NewTask, client: Db | Tx = db()): Promise<void> {
  const now = nowSeconds();
  await client.task.create({
    data: {
      id: t.id, type: t.type, status: 'pending', owner: t.owner, imageId: t.imageId, requestId: t.requestId,
      userId: t.userId, createdAt: now, updatedAt: now,
      info: { create: { input: JSON.stringify(t.input), result: null, message: '' } },
    },
  });
}

export async function findTask(id: string, client: Db | Tx = db()): Promise<TaskRow | null> {
  return client.task.findFirst({ where: { id, deleted: false }, include: { info: true } });
}

/**
 * Move a task from one of `from` to `to`, with its message/result; an ending
 * status sets expires_at (task_time_to_live after now). False when the task
 * was no longer in `from`.
 */
export async function moveTask(
  id: string,
  from: readonly TaskStatus[],
  to: TaskStatus,
  change: { message?: string; result?: unknown; expiresAt?: Date | null } = {},
  tx?: Tx,
): Promise<boolean> {
  // Status and message together: nobody sees a failed task without its reason.
  if (!tx) return inTransaction((t) => moveTask(id, from, to, change, t));
  const client = tx;
  const now = nowSeconds();
  const res = await client.task.updateMany({
    where: { id, status: { in: [...from] }, deleted: false },
    data: { status: to, updatedAt: now, ...(change.expiresAt !== undefined ? { expiresAt: change.expiresAt } : {}) },
  });
  if (res.count !== 1) return false;
  const info: Prisma.TaskInfoUpdateInput = {};
  if (change.message !== undefined) info.message = change.message;
  if (change.result !== undefined) info.result = JSON.stringify(change.result);
  if (Object.keys(info).length > 0) await client.taskInfo.update({ where: { taskId: id }, data: info });
  return true;
}

/** A progress message on a running task (Glance's "Copied N MiB"). */
export async function setTaskMessage(id: string, message: string): Promise<void> {
  await db().taskInfo.updateMany({ where: { taskId: id, task: { status: 'processing' } }, data: { message } });
}

/**
 * Glance's _task_soft_delete: the expired tasks of an owner are marked deleted
 * (run before a listing, as Glance does).
 */
export async function softDeleteExpired(owner: string | null): Promise<void> {
  const now = nowSeconds();
  await db().task.updateMany({
    where: { ...(owner === null ? {} : { owner }), deleted: false, expiresAt: { lte: now } },
    data: { deleted: true, deletedAt: now },
  });
}

/** An image's tasks that have not expired (tasks_get_by_image), oldest first. */
export async function tasksOfImage(imageId: string, owner: string | null): Promise<TaskRow[]> {
  return db().task.findMany({
    where: {
      imageId, deleted: false, OR: [{ expiresAt: null }, { expiresAt: { gte: nowSeconds() } }],
      ...(owner === null ? {} : { owner }),
    },
    include: { info: true },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
  });
}

export interface TaskListQuery {
  filters: { status?: string; type?: string };
  owner: string | null;
  marker: TaskRow | null;
  limit: number;
  sortKey: 'created_at' | 'updated_at' | 'id' | 'type' | 'status';
  sortDir: 'asc' | 'desc';
}

const COLUMN = { created_at: 'createdAt', updated_at: 'updatedAt', id: 'id', type: 'type', status: 'status' } as const;

/** A page of tasks, sorted by `sortKey` then id (Glance's paginate_query with the marker's row). */
export async function listTasks(q: TaskListQuery): Promise<TaskRow[]> {
  const col = COLUMN[q.sortKey];
  const where: Prisma.TaskWhereInput = { deleted: false, ...q.filters, ...(q.owner === null ? {} : { owner: q.owner }) };
  if (q.marker) {
    const mv = q.marker[col as keyof TaskRow] as Prisma.TaskWhereInput[keyof Prisma.TaskWhereInput];
    const beyond = q.sortDir === 'asc' ? 'gt' : 'lt';
    where.AND = [{
      OR: col === 'id'
        ? [{ id: { [beyond]: q.marker.id } }]
        : [{ [col]: { [beyond]: mv } }, { [col]: mv, id: { [beyond]: q.marker.id } }],
    }];
  }
  return db().task.findMany({
    where,
    include: { info: true },
    orderBy: col === 'id' ? [{ id: q.sortDir }] : [{ [col]: q.sortDir }, { id: q.sortDir }],
    take: q.limit,
  });
}

/** Tasks of this type still pending or processing (those a restart interrupted, at start-up). */
export async function unfinishedTasks(type: string): Promise<TaskRow[]> {
  return db().task.findMany({ where: { type, deleted: false, status: { in: ['pending', 'processing'] } }, include: { info: true } });
}
