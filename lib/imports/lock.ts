// The import lock, as Glance: the image's os_glance_import_task property names
// the task that may change it. A new import while it is held is 409 "Image has
// active task", unless the lock is stale: its task gone, or not updated for
// 60 minutes (120 while still pending), when the lock is broken and the old
// task failed with "Expired lock preempted" (_enforce_import_lock).
import { Conflict } from '@/lib/errors';
import { deletePropertyAtomic, liveProperty, setPropertyAtomic } from '@/lib/images/repository';
import { logger } from '@/lib/log';
import { findTask, moveTask, type TaskRow } from '@/lib/tasks/repository';
import { taskExpiry } from './task-expiry';

export const LOCK_PROPERTY = 'os_glance_import_task';
const EXPIRY_MS = 60 * 60 * 1000;

/** Throws 409 while another task holds a valid lock; breaks a stale one and returns its task (null if none was found). */
export async function enforceImportLock(imageId: string, now = Date.now()): Promise<TaskRow | null | undefined> {
  const holder = await liveProperty(imageId, LOCK_PROPERTY);
  if (holder === null) return undefined;
  const task = await findTask(holder);
  const age = task ? now - (task.updatedAt ?? task.createdAt).getTime() : 0;
  const expiry = task?.status === 'pending' ? 2 * EXPIRY_MS : EXPIRY_MS;
  if (task && age < expiry) {
    logger.warn({ imageId, task: task.id, status: task.status, expireSeconds: Math.round((expiry - age) / 1000) }, 'image has an active import task');
    throw new Conflict('Image has active task');
  }
  if (task) await moveTask(task.id, ['pending', 'processing'], 'failure', { message: 'Expired lock preempted', expiresAt: taskExpiry() });
  if (!(await deletePropertyAtomic(imageId, LOCK_PROPERTY, holder))) throw new Conflict('Image has active task'); // lost the race to break it
  logger.warn({ imageId, task: holder, status: task?.status ?? 'missing' }, 'stale import lock removed: it had expired');
  return task;
}

/** Take the lock for `taskId`: 409 in Glance's words when another task has it. */
export async function takeImportLock(imageId: string, taskId: string): Promise<void> {
  if (!(await setPropertyAtomic(imageId, LOCK_PROPERTY, taskId))) {
    throw new Conflict(`New operation on image '${imageId}' is not permitted as prior operation is still in progress`);
  }
}

/** Drop the lock if `taskId` still holds it (false when it did not). */
export function dropImportLock(imageId: string, taskId: string): Promise<boolean> {
  return deletePropertyAtomic(imageId, LOCK_PROPERTY, taskId);
}
