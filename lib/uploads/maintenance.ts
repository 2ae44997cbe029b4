// Keeping the staging area honest: at start-up, finish (or undo) imports a
// restart interrupted; then, periodically, expire staged uploads that stopped
// making progress and drop staged data no image is waiting for.
import { getConfig } from '@/lib/config';
import { serverActor } from '@/lib/images/actor';
import { liveImageIdsIn, imagesForStagingSweep } from '@/lib/images/repository';
import { logger } from '@/lib/log';
import { abandonUpload, finishStaging, importStaged } from './lifecycle';
import { findStaged, lastActivity, listStaged, removeStaged } from './staging';

const sweeper = serverActor('staging-sweeper');
const WAITING = new Set(['queued', 'uploading', 'importing']);
/** A finished upload's own request starts its import; only one idle this long was left behind. */
const SETTLE_MS = 30_000;

/** Imports cut short by a restart run again from their (complete) staged file. */
export async function resumeInterruptedImports(): Promise<void> {
  for (const id of await liveImageIdsIn('importing')) {
    logger.warn({ imageId: id }, 'import interrupted by a restart: importing again');
    void importStaged(serverActor('startup-repair'), id).catch((err) => logger.error({ err, imageId: id }, 'resumed import failed'));
  }
}

export async function sweepStaging(now = Date.now()): Promise<void> {
  const expiryMs = getConfig().stagingExpirySeconds * 1000;
  const expired = (d: Date | null) => d === null || now - d.getTime() > expiryMs;
  const staged = new Set(await listStaged());
  const images = await imagesForStagingSweep([...staged]);
  const byId = new Map(images.map((i) => [i.id, i]));

  for (const id of staged) {
    const image = byId.get(id);
    if (!image || image.deleted || !WAITING.has(image.status)) {
      await removeStaged(id); // its image is gone or got data another way
      continue;
    }
    const upload = await findStaged(id);
    const complete = upload !== null && upload.size !== undefined && upload.offset === upload.size;
    const last = await lastActivity(id);
    if (!complete && expired(last)) {
      await abandonUpload(sweeper, id, 'upload_expired', `no data arrived for ${getConfig().stagingExpirySeconds} s`);
    } else if (complete && image.status === 'uploading' && last && now - last.getTime() > SETTLE_MS) {
      // All bytes staged but the process stopped before the import began.
      await finishStaging(sweeper, id, upload.size!).catch((err) => logger.warn({ err, imageId: id }, 'could not start a pending import'));
    }
  }
  // Images marked uploading whose staged data vanished (e.g. staging wiped by hand).
  for (const image of images) {
    if (image.status === 'uploading' && !image.deleted && !staged.has(image.id) && expired(image.updatedAt)) {
      await abandonUpload(sweeper, image.id, 'upload_expired', 'the staged data is gone');
    }
  }
}

const processGlobals = globalThis as unknown as { glanceStagingSweeper?: NodeJS.Timeout };

export async function startUploadMaintenance(): Promise<void> {
  await resumeInterruptedImports();
  if (processGlobals.glanceStagingSweeper) return;
  const periodMs = Math.min(60_000, Math.max(1000, (getConfig().stagingExpirySeconds * 1000) / 2));
  let running = false;
  processGlobals.glanceStagingSweeper = setInterval(() => {
    if (running) return;
    running = true;
    sweepStaging()
      .catch((err) => logger.error({ err }, 'staging sweep failed'))
      .finally(() => (running = false));
  }, periodMs);
  processGlobals.glanceStagingSweeper.unref();
}
