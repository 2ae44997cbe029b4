// Import tasks that nobody is running any more: their node stopped (a restart,
// a crash) or their run broke off (the database went away). Looked for at
// start-up and on every heartbeat (lib/nodes/repair.ts). A task is taken up by
// the node serving its image's upload (image_uploads) when that is this node,
// or by whoever claims it first when that node is dead; it then runs again
// from where its image is: it finishes (the staged data imported again) or
// fails cleanly (image queued, nothing kept). Never left in importing.
import { liveProperty } from '@/lib/images/repository';
import { logger } from '@/lib/log';
import { claimUpload, uploadOwner } from '@/lib/nodes/upload-owners';
import { findTask, unfinishedTasks } from '@/lib/tasks/repository';
import { LOCK_PROPERTY } from './lock';
import { runImport, runningImports } from './run';

export const IMPORT_TASK_TYPE = 'api_image_import';
/** A pending task younger than this may still be starting on the node that accepted it. */
const PENDING_GRACE_MS = 15_000;

/** Resume every unfinished import task this node should run; how many were taken up. */
export async function resumeImports(now = Date.now()): Promise<number> {
  let taken = 0;
  for (const t of await unfinishedTasks(IMPORT_TASK_TYPE)) {
    if (runningImports().has(t.id) || !t.imageId) continue;
    if (t.status === 'pending' && now - (t.updatedAt ?? t.createdAt).getTime() < PENDING_GRACE_MS) continue;
    const owner = await uploadOwner(t.imageId);
    if (owner && !owner.mine && !owner.dead) continue; // its node is alive and runs it
    if (owner && !owner.mine && !(await claimUpload(t.imageId, owner.nodeId))) continue; // another node was first
    logger.warn({ imageId: t.imageId, task: t.id, status: t.status }, 'import task interrupted: running it again');
    launch(t.id);
    taken++;
  }
  return taken;
}

/**
 * The image's unfinished import task, if it has one, started again here (the
 * node repair calls this for an importing image it took over). False: no task
 * (a console upload from before imports ran as tasks).
 */
export async function resumeImportOf(imageId: string): Promise<boolean> {
  const taskId = await liveProperty(imageId, LOCK_PROPERTY);
  if (!taskId) return false;
  const task = await findTask(taskId);
  if (!task || (task.status !== 'pending' && task.status !== 'processing')) return false;
  launch(task.id);
  return true;
}

function launch(taskId: string): void {
  void runImport(taskId).catch((err) => logger.error({ err, task: taskId }, 'resumed import task failed'));
}
