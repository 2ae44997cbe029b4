// Keeping this node's staging area honest, periodically: expire staged
// uploads that stopped making progress and drop staged data no image is
// waiting for (or that another node has taken over). Imports a restart
// interrupted are resumed by the start-up repair (lib/nodes/repair.ts).
import { getConfig } from '@/lib/config';
import { serverActor } from '@/lib/images/actor';
import { imagesForStagingSweep } from '@/lib/images/repository';
import { logger } from '@/lib/log';
import { isStopping } from '@/lib/runtime/stopping';
import { thisNode } from '@/lib/nodes/identity';
import { servingNodes } from '@/lib/nodes/upload-owners';
import { abandonUpload, finishStaging } from './lifecycle';
import { findStaged, lastActivity, listStaged, removeStaged } from './staging';
import { STAGE_METADATA, stagingNow } from '@/lib/imports/stage';

const sweeper = serverActor('staging-sweeper');
const WAITING = new Set(['queued', 'uploading', 'importing']);
/** A finished upload's own request starts its import; only one idle this long was left behind. */
const SETTLE_MS = 30_000;

export async function sweepStaging(now = Date.now()): Promise<void> {
  const expiryMs = getConfig().stagingExpirySeconds * 1000;
  const expired = (d: Date | null) => d === null || now - d.getTime() > expiryMs;
  const staged = new Set(await listStaged());
  const images = await imagesForStagingSweep([...staged]);
  const byId = new Map(images.map((i) => [i.id, i]));
  // Uploads recorded for another node are not this one's to expire; an upload begun before nodes were recorded has none.
  const nodes = await servingNodes(images.map((i) => i.id));
  const mine = (id: string) => (nodes.get(id) ?? thisNode().id) === thisNode().id;

  for (const id of staged) {
    const image = byId.get(id);
    if (!image || image.deleted || !WAITING.has(image.status) || !mine(id)) {
      await removeStaged(id); // its image is gone, got data another way, or another node took the upload over
      continue;
    }
    const upload = await findStaged(id);
    const complete = upload !== null && upload.size !== undefined && upload.offset === upload.size;
    const last = await lastActivity(id);
    if (!complete && upload?.metadata?.via === STAGE_METADATA.via && !stagingNow().has(id)) {
      // A PUT /stage cannot be resumed: its request ended (a restart) without the data.
      await abandonUpload(sweeper, id, 'upload_expired', 'the stage request ended before all its data arrived');
    } else if (!complete && expired(last)) {
      await abandonUpload(sweeper, id, 'upload_expired', `no data arrived for ${getConfig().stagingExpirySeconds} s`);
    } else if (complete && image.status === 'uploading' && upload.metadata?.via !== STAGE_METADATA.via && last && now - last.getTime() > SETTLE_MS) {
      // (Data staged by PUT /stage waits for its POST /import, as in Glance.)
      // All bytes staged but the process stopped before the import began.
      await finishStaging(sweeper, id, upload.size!).catch((err) => logger.warn({ err, imageId: id }, 'could not start a pending import'));
    }
  }
  // Images marked uploading whose staged data vanished (e.g. staging wiped by hand).
  for (const image of images) {
    if (image.status === 'uploading' && !image.deleted && mine(image.id) && !staged.has(image.id) && expired(image.updatedAt)) {
      await abandonUpload(sweeper, image.id, 'upload_expired', 'the staged data is gone');
    }
  }
}

const processGlobals = globalThis as unknown as { glanceStagingSweeper?: NodeJS.Timeout };

export async function startUploadMaintenance(): Promise<void> {
  if (processGlobals.glanceStagingSweeper) return;
  const periodMs = Math.min(60_000, Math.max(1000, (getConfig().stagingExpirySeconds * 1000) / 2));
  let running = false;
  processGlobals.glanceStagingSweeper = setInterval(() => {
    if (running || isStopping()) return;
    running = true;
    sweepStaging()
      .catch((err) => logger.error({ err }, 'staging sweep failed'))
      .finally(() => (running = false));
  }, periodMs);
  processGlobals.glanceStagingSweeper.unref();
}
