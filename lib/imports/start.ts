// POST /v2/images/{id}/import: Glance's ImagesController.import_image, its
// checks in its order and words (400/403/404/409), then the import lock and a
// task row; the task runs in the background (run.ts) and the answer is 202.
// A glance-direct import of data staged on another node is forwarded there.
import { assertUploadLimits } from '@/lib/quotas/enforce';
import { randomUUID } from 'node:crypto';
import type { RequestContext } from '@/lib/auth/context';
import { isServerActor, type Actor } from '@/lib/images/actor';
import { BadRequest, Conflict } from '@/lib/errors';
import { loadVisible } from '@/lib/images/image-service';
import { liveProperty, setServiceProperties } from '@/lib/images/repository';
import { logger } from '@/lib/log';
import { enforceImageDataOwner, enforceOnImage } from '@/lib/policy';
import { stores } from '@/lib/stores';
import { insertTask, type TaskRow } from '@/lib/tasks/repository';
import { parseImportBody, pyStr, requestedStores } from './body';
import { dropImportLock, enforceImportLock, takeImportLock } from './lock';
import { enabledImportMethods, importMethod } from './methods';
import { launchImport, runImport } from './run';
import { selfUrl } from './stage';
import { IMPORT_TASK_TYPE } from './resume';

export const IMPORTING_STORES = 'os_glance_importing_to_stores';
export const FAILED_STORES = 'os_glance_failed_import';
export const STAGE_HOST = 'os_glance_stage_host';

export type ImportStart = { accepted: string } | { forwardTo: string };

export async function startImport(ctx: RequestContext, imageId: string, body: unknown, storeHeader: string | null): Promise<ImportStart> {
  const req = parseImportBody(body, enabledImportMethods());
  const method = importMethod(req.method.name)!;
  await assertUploadLimits(ctx, 'import');
  const image = await loadVisible(ctx, imageId);
  if (image.status === 'active' && !method.onActiveImage) throw new Conflict('Image with status active cannot be target for import');
  const statusConflict = method.statusConflict(image.status);
  if (statusConflict) throw new Conflict(statusConflict);
  if (!image.containerFormat) throw new Conflict("'container_format' needs to be set before import");
  if (!image.diskFormat) throw new Conflict("'disk_format' needs to be set before import");
  method.checkBody?.(req);
  // Glance: copy-image has its own rule (admin by default); otherwise only the owner (or an admin) may import data.
  if (method.onActiveImage) enforceOnImage(ctx, 'copy_image', image);
  else enforceImageDataOwner(ctx, image);
  const stolenFrom = await enforceImportLock(imageId);

  const all = stores();
  let targets: (string | null)[] = [null];
  if (all.multiStore) {
    const ids = all.all().map((s) => s.id);
    const picked = requestedStores(req, storeHeader, { all: ids, default: all.defaultId });
    if (picked.unknown !== null) throw new Conflict(`Store for identifier ${picked.unknown} not found`);
    targets = picked.stores;
    if (method.pickTargets) {
      targets = await method.pickTargets(imageId, picked.stores, req.all_stores);
      // Glance answers 202 and starts no task when the image is already in every store.
      if (targets.length === 0) return { accepted: imageId };
    }
  }
  if (!req.all_stores_must_succeed && !all.multiStore) {
    throw new BadRequest(`All_stores_must_succeed can only be set with enabled_backends ${pyStr(req.method.uri)}`);
  }
  if (method.name === 'glance-direct') {
    const host = await liveProperty(imageId, STAGE_HOST);
    if (host && host !== selfUrl()) return { forwardTo: host };
  }
  await method.check?.(ctx, req);

  const taskId = randomUUID();
  await takeImportLock(imageId, taskId);
  try {
    if (stolenFrom) await cleanupStaleProgress(imageId, stolenFrom);
    await insertTask({
      id: taskId,
      type: IMPORT_TASK_TYPE,
      owner: ctx.projectId ?? '',
      imageId,
      requestId: ctx.requestId,
      userId: ctx.userId,
      input: { image_id: imageId, import_req: req.raw, backend: targets },
    });
  } catch (err) {
    await dropImportLock(imageId, taskId).catch(() => false);
    throw err;
  }
  method.accepted?.(ctx, taskId);
  void runImport(taskId).catch((err) => logger.error({ err, imageId, task: taskId }, 'import task failed unexpectedly'));
  return { accepted: imageId };
}

/**
 * The console's finished tus upload goes through the same task as a
 * glance-direct import: a task row, the import lock, run in the background
 * (the image's owner owns the task when the server itself finishes it).
 */
export async function importStagedUpload(actor: Actor, imageId: string, owner: string | null, storeId: string | null): Promise<string> {
  const taskId = randomUUID();
  await takeImportLock(imageId, taskId);
  const user = isServerActor(actor) ? null : actor;
  const backend = stores().multiStore ? [storeId ?? stores().defaultId] : [null];
  try {
    await insertTask({
      id: taskId,
      type: IMPORT_TASK_TYPE,
      owner: user?.projectId ?? owner ?? '',
      imageId,
      requestId: user?.requestId ?? null,
      userId: user?.userId ?? null,
      input: { image_id: imageId, import_req: { method: { name: 'glance-direct' } }, backend },
    });
  } catch (err) {
    await dropImportLock(imageId, taskId).catch(() => false);
    throw err;
  }
  await launchImport(taskId);
  return taskId;
}

/** Glance's _cleanup_stale_task_progress: the broken task's stores leave the progress properties. */
async function cleanupStaleProgress(imageId: string, task: TaskRow): Promise<void> {
  let backends: unknown = [];
  try {
    backends = (JSON.parse(task.info?.input ?? '{}') as { backend?: unknown }).backend ?? [];
  } catch {
    return;
  }
  if (!Array.isArray(backends)) return;
  const changed: Record<string, string> = {};
  for (const key of [IMPORTING_STORES, FAILED_STORES]) {
    const current = await liveProperty(imageId, key);
    if (current === null) continue;
    const left = current.split(',').filter((s) => !backends.includes(s));
    if (left.join(',') !== current) changed[key] = left.join(',');
  }
  if (Object.keys(changed).length > 0) await setServiceProperties(undefined, imageId, changed);
}
