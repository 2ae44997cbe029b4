// An import task's course (Glance's api_image_import flow): pending →
// processing with the image importing and its progress properties set;
// the method's data into each target store (hashed and inspected on the way,
// as PUT /file); then the image active with a location per store that took it,
// or, on failure, the task failed with the reason, the image back to queued
// and nothing left in the stores or in staging. The lock is dropped either way.
// copy-image (method.onActiveImage) is the same course on an image that stays
// active: no status change, only locations added, or nothing on failure.
// A run is idempotent enough to be started again after a restart (resume()).
import type { UserActor } from '@/lib/images/actor';
import { ContentInspection } from '@/lib/images/content-check';
import { addStoredLocation, storesHolding } from '@/lib/images/locations';
import { findLiveImage, inTransaction, liveProperty, nowSeconds, setServiceProperties, touchActiveImage } from '@/lib/images/repository';
import { recordServingNode, releaseUpload } from '@/lib/nodes/upload-owners';
import { InvalidTransitionError } from '@/lib/images/state-machine';
import { changeStatus, moveIfAt, reasonOf } from '@/lib/images/status';
import { getConfig } from '@/lib/config';
import { assertImportLimits } from '@/lib/quotas/enforce';
import { remainingStorage, StorageQuotaExceeded, storageQuotaFull } from '@/lib/images/storage-quota';
import { db } from '@/lib/db/client';
import { logger } from '@/lib/log';
import { stores, type StoreDriver } from '@/lib/stores';
import type { StoredData } from '@/lib/stores/driver';
import { storageError } from '@/lib/stores/errors';
import { findTask, moveTask, setTaskMessage, type TaskRow } from '@/lib/tasks/repository';
import { dropImportLock, LOCK_PROPERTY } from './lock';
import { implementedMethod, type ImportMethod, type ImportSource } from './methods';
import { taskExpiry } from './task-expiry';
import { removeStaged } from '@/lib/uploads/staging';

const IMPORTING_STORES = 'os_glance_importing_to_stores';
const FAILED_STORES = 'os_glance_failed_import';

/** Tasks this process is running (the maintenance sweep resumes only the others). */
const processGlobals = globalThis as unknown as { glanceImportRuns?: Set<string> };
export function runningImports(): Set<string> {
  return (processGlobals.glanceImportRuns ??= new Set());
}

interface TaskInput {
  image_id: string;
  import_req: { method: { name: string } & Record<string, unknown>; all_stores_must_succeed?: boolean };
  backend: (string | null)[];
}

/** Run (or resume) a task to its end; `onBegun` once its image is importing (or the run ended without that). */
export async function runImport(taskId: string, onBegun?: () => void): Promise<void> {
  const running = runningImports();
  if (running.has(taskId)) return onBegun?.();
  running.add(taskId);
  try {
    await runOnce(taskId, onBegun ?? (() => {}));
  } finally {
    running.delete(taskId);
    onBegun?.();
  }
}

/** Start a run in the background; resolves once its image is importing (or the run ended). */
export function launchImport(taskId: string): Promise<void> {
  return new Promise<void>((resolve) => {
    runImport(taskId, resolve).catch((err) => logger.error({ err, task: taskId }, 'import task failed unexpectedly'));
  });
}

class ImportFailed extends Error {}
/** Another run (another node) began this task first: it is that run's. */
class AlreadyTaken extends ImportFailed {}
/** Another task broke this one's lock (it had expired): the image is that task's now, not ours to touch. */
class LockLost extends ImportFailed {}

async function runOnce(taskId: string, onBegun: () => void): Promise<void> {
  const task = await findTask(taskId);
  if (!task || (task.status !== 'pending' && task.status !== 'processing') || !task.imageId) return;
  const input = JSON.parse(task.info?.input ?? '{}') as TaskInput;
  const imageId = task.imageId;
  const targets = input.backend?.length ? input.backend : [null];
  const actor: UserActor = { requestId: task.requestId ?? '', userId: task.userId, projectId: task.owner || null };
  const method = implementedMethod(input.import_req.method.name);
  const run = new Run(task, imageId, targets, actor, method?.onActiveImage === true);
  let source: ImportSource | null = null;
  try {
    if (!method) throw new ImportFailed(`Import method ${input.import_req.method.name} is not available`);
    const fresh = task.status === 'pending';
    await run.begin();
    onBegun();
    // Unified limits, checked once the image is marked as importing (as Glance); a resumed run was checked.
    if (fresh) await assertImportLimits(actor, method.name, Number((await findLiveImage(imageId))?.size ?? 0));
    source = await open(method, { imageId, taskId, request: input.import_req, targets: targets.length });
    const mustSucceed = input.import_req.all_stores_must_succeed !== false;
    await run.intoStores(source, mustSucceed);
    await source.discard().catch((err) => logger.warn({ err, imageId }, 'could not remove staged data after its import'));
    await (run.copying ? run.addCopies() : run.activate());
  } catch (err) {
    await run.fail(err, source);
  }
}

/** A download that fails before any store read it failed for every target store (Glance's _WebDownload revert). */
class SourceFailed extends Error {
  constructor(readonly cause: unknown) {
    super(reasonOf(cause));
  }
}

async function open(method: ImportMethod, job: Parameters<ImportMethod['open']>[0]): Promise<ImportSource> {
  try {
    return await method.open(job);
  } catch (err) {
    throw method.openFailsEveryStore ? new SourceFailed(err) : err;
  }
}

class Run {
  private readonly stored: StoredData[] = [];
  private virtualSize: number | null = null;
  private firstError: unknown = null;

  constructor(
    private readonly task: TaskRow,
    private readonly imageId: string,
    private readonly targets: (string | null)[],
    private readonly actor: UserActor,
    /** copy-image: the image is active before, during and after the run. */
    readonly copying: boolean,
  ) {}

  /** The copies' locations are recorded: they are the image's now, whatever happens after. */
  private recorded = false;

  /** The status the image keeps while this run works on it. */
  private get workingStatus(): 'importing' | 'active' {
    return this.copying ? 'active' : 'importing';
  }

  private get named(): string[] {
    return this.targets.filter((t): t is string => t !== null);
  }

  /** pending → processing, image importing, progress properties set (os_glance_stage_host goes), in one transaction. */
  async begin(): Promise<void> {
    const image = await findLiveImage(this.imageId);
    if (!image) throw new ImportFailed('Image has been deleted, aborting import.');
    if ((await liveProperty(this.imageId, LOCK_PROPERTY)) !== this.task.id) throw new LockLost('Import task lost its lock on the image; aborting.');
    const status = this.workingStatus;
    if (this.task.status === 'processing') {
      // Resumed after a restart: the image must still be importing (active, for a copy) for this task.
      if (image.status !== status) throw new ImportFailed(`Image status is ${image.status}, not ${status}; aborting import.`);
      return;
    }
    if (this.copying && image.status !== 'active') throw new ImportFailed(`Image status is ${image.status}, not active; aborting copy.`);
    const importing = merge(await liveProperty(this.imageId, IMPORTING_STORES), this.named, 'add');
    const failed = merge(await liveProperty(this.imageId, FAILED_STORES), this.named, 'remove');
    await inTransaction(async (tx) => {
      if (!(await moveTask(this.task.id, ['pending'], 'processing', {}, tx))) throw new AlreadyTaken('Task is no longer pending');
      if (!this.copying) await changeStatus(tx, this.actor, this.imageId, image.status, 'importing', 'import_started', {}, `import task ${this.task.id}`);
      // An active image's copy names its node as an upload does, so that only a dead node's copy is run again elsewhere.
      else await recordServingNode(tx, this.imageId);
      await setServiceProperties(tx, this.imageId, { [IMPORTING_STORES]: importing, [FAILED_STORES]: failed, os_glance_stage_host: null });
    });
    this.task.status = 'processing';
  }

  /** The data into each target store; per-store failures as all_stores_must_succeed says. */
  async intoStores(source: ImportSource, mustSucceed: boolean): Promise<void> {
    const image = await findLiveImage(this.imageId);
    if (!image) throw new ImportFailed('Image has been deleted, aborting import.');
    for (const [i, target] of this.targets.entries()) {
      const store = storeOf(target);
      const check = new ContentInspection(image.diskFormat, image.containerFormat);
      try {
        await store.removePartial(this.imageId); // an earlier run cut short by a restart
        const s = await source.into(store, { ...(await this.storageBound(source.size)), check, last: i === this.targets.length - 1 });
        this.stored.push(s);
        this.virtualSize ??= check.virtualSize;
        await setTaskMessage(this.task.id, `Copied ${Math.floor(s.size / 1048576)} MiB`);
        await this.progress(target, 'done');
      } catch (err) {
        logger.warn({ err, imageId: this.imageId, store: store.id, task: this.task.id }, 'import into a store failed');
        this.firstError ??= storeFailure(store.id, err);
        await this.progress(target, 'failed');
        if (mustSucceed) throw this.firstError;
      }
    }
    // A copy that no store took still succeeds: the image stays active (Glance's _VerifyImageState).
    if (this.stored.length === 0 && !this.copying) throw this.firstError ?? new ImportFailed('None of the uploads finished!');
  }

  /**
   * user_storage_quota (as Glance's quota proxy charges every set_data and
   * added location): each store's copy must fit in what the task owner's
   * project has left; a copy of unknown size is cut off when it passes it.
   */
  private async storageBound(size: number | null): Promise<{ cap: number; capError?: () => Error }> {
    const cap = getConfig().imageSizeCap;
    let remaining: number | null;
    try {
      // Copies already stored by this run count too, not yet being recorded.
      remaining = await remainingStorage(this.actor, this.copying ? '' : this.imageId, size === null ? null : size);
      if (remaining !== null) remaining -= this.stored.reduce((n, s) => n + s.size, 0);
      if (remaining !== null && size !== null && size > remaining) throw new ImportFailed(storageQuotaFull(size, remaining));
    } catch (err) {
      throw err instanceof StorageQuotaExceeded ? new ImportFailed(err.message.replace(/^Image exceeds the storage quota: /, '')) : err;
    }
    if (remaining === null || remaining > cap) return { cap };
    return { cap: Math.max(remaining, 0), capError: () => new ImportFailed(storageQuotaFull(undefined, undefined)) };
  }

  /**
   * Data a run cut short may have left under the image's id in its target
   * stores: an import's image has no location then; a copy's target stores
   * hold none of the image's recorded locations (else they are left alone).
   */
  private async removeUnrecorded(): Promise<void> {
    const holding = this.copying ? new Set((await storesHolding(this.imageId)).map((h) => h.store)) : new Set<string>();
    const targets = this.targets.filter((t) => t === null ? !this.copying : !holding.has(t));
    await Promise.all(targets.map((t) => storeOf(t).removeUnrecorded(this.imageId).catch(() => {})));
  }

  private async progress(target: string | null, outcome: 'done' | 'failed'): Promise<void> {
    if (target === null) return;
    const values: Record<string, string> = { [IMPORTING_STORES]: merge(await liveProperty(this.imageId, IMPORTING_STORES), [target], 'remove') };
    if (outcome === 'failed') values[FAILED_STORES] = merge(await liveProperty(this.imageId, FAILED_STORES), [target], 'add');
    await setServiceProperties(undefined, this.imageId, values);
  }

  /** importing → active with every stored copy's location; lock dropped, task succeeded. */
  async activate(): Promise<void> {
    const [first] = this.stored;
    await inTransaction(async (tx) => {
      await changeStatus(tx, this.actor, this.imageId, 'importing', 'active', 'imported', {
        size: BigInt(first.size),
        virtualSize: this.virtualSize === null ? null : BigInt(this.virtualSize),
        checksum: first.checksum,
        osHashAlgo: first.osHashAlgo,
        osHashValue: first.osHashValue,
      });
      for (const s of this.stored) await addStoredLocation(tx, this.imageId, s);
    });
    await dropImportLock(this.imageId, this.task.id);
    await moveTask(this.task.id, ['processing'], 'success', { result: { image_id: this.imageId }, expiresAt: taskExpiry() });
  }

  /** copy-image done: a location per store that took the copy, the image still active; lock dropped, task succeeded. */
  async addCopies(): Promise<void> {
    await inTransaction(async (tx) => {
      // Locks the image row; deleted or deactivated meanwhile: the copies are not kept.
      if (!(await touchActiveImage(tx, this.imageId, nowSeconds()))) throw new ImportFailed('Image is no longer active, aborting copy.');
      for (const s of this.stored) await addStoredLocation(tx, this.imageId, s);
      await releaseUpload(tx, this.imageId);
    });
    this.recorded = true;
    await dropImportLock(this.imageId, this.task.id);
    await moveTask(this.task.id, ['processing'], 'success', { result: { image_id: this.imageId }, expiresAt: taskExpiry() });
  }

  /** Nothing kept: stored copies and staged data removed, image back to queued, lock dropped, task failed with the reason. */
  async fail(err: unknown, source: ImportSource | null): Promise<void> {
    const message = reasonOf(err);
    logger.warn({ err, imageId: this.imageId, task: this.task.id }, 'import failed');
    if (err instanceof AlreadyTaken) return;
    if (err instanceof LockLost) {
      await moveTask(this.task.id, ['pending', 'processing'], 'failure', { message, expiresAt: taskExpiry() });
      return;
    }
    try {
      if (!this.recorded) for (const s of this.stored) await storeOf(s.store).remove(s.location).catch(() => {});
      await this.removeUnrecorded();
      if (source) await source.discard().catch(() => {});
      else if (!this.copying) await discardStaged(this.imageId);
      await source?.revert?.().catch((e) => logger.warn({ err: e, imageId: this.imageId }, 'could not undo the import\'s metadata changes'));
      if (this.copying) await releaseUpload(db(), this.imageId).catch(() => {});
      else if (!(err instanceof InvalidTransitionError)) {
        // From importing, or from uploading when the run failed before it began.
        if (!(await moveIfAt(this.actor, this.imageId, 'importing', 'queued', 'import_failed', message))) {
          await moveIfAt(this.actor, this.imageId, 'uploading', 'queued', 'import_failed', message);
        }
      }
      const importing = merge(await liveProperty(this.imageId, IMPORTING_STORES), this.named, 'remove');
      const values: Record<string, string> = { [IMPORTING_STORES]: importing };
      if (err instanceof SourceFailed) values[FAILED_STORES] = merge(await liveProperty(this.imageId, FAILED_STORES), this.named, 'add');
      if (this.named.length > 0) await setServiceProperties(undefined, this.imageId, values);
      await dropImportLock(this.imageId, this.task.id);
    } finally {
      await moveTask(this.task.id, ['pending', 'processing'], 'failure', { message, expiresAt: taskExpiry() });
    }
  }
}

/** A failed run that never opened its source: the staged data still goes (the image is queued again). */
async function discardStaged(imageId: string): Promise<void> {
  await removeStaged(imageId).catch(() => {});
}

/** A store's failure as the task tells it: Glance's error when there is one, else the system error's code without the server's paths. */
function storeFailure(storeId: string, err: unknown): unknown {
  const mapped = storageError(err);
  const sys = mapped as NodeJS.ErrnoException;
  if (mapped instanceof Error && typeof sys.code === 'string' && typeof sys.syscall === 'string') {
    return new Error(`Store ${storeId} could not be written: ${sys.code}`);
  }
  return mapped;
}

function storeOf(id: string | null): StoreDriver {
  const all = stores();
  return (id === null ? null : all.byId(id)) ?? all.default();
}

/** Glance's merge_store_list: a sorted comma list, with `stores` added or removed. */
export function merge(current: string | null, stores: string[], how: 'add' | 'remove'): string {
  const set = new Set((current ?? '').split(',').filter((s) => s !== ''));
  for (const s of stores) if (how === 'add') set.add(s); else set.delete(s);
  return [...set].sort().join(',');
}
