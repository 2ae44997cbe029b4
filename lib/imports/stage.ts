// PUT /v2/images/{id}/stage (glance-direct's first half): the body streams
// into this node's staging area (node_staging_uri), the image goes queued →
// uploading and records its size and this node as os_glance_stage_host, as
// Glance's ImageDataController.stage. The staged file is a staged upload like
// the console's (lib/uploads/staging.ts), so the sweeper, the node repair and
// the import find it the same way. Any failure (size cap, hang-up, full disk)
// leaves nothing staged and the image queued.
import { assertUploadLimits } from '@/lib/quotas/enforce';
import { open } from 'node:fs/promises';
import type { RequestContext } from '@/lib/auth/context';
import { getConfig } from '@/lib/config';
import { Conflict, NotFound } from '@/lib/errors';
import { loadVisible } from '@/lib/images/image-service';
import { inTransaction, setServiceProperties, setStagedSize } from '@/lib/images/repository';
import { beginUpload, moveIfAt } from '@/lib/images/status';
import { enforceImageDataOwner } from '@/lib/policy';
import { FormatDetection } from '@/lib/images/content-check';
import { SizeLimitExceeded } from '@/lib/stores/driver';
import { IngestPipeline } from '@/lib/stores/ingest';
import { storageError } from '@/lib/stores/errors';
import { findStaged, removeStaged, staging, stagedPath } from '@/lib/uploads/staging';
import { recordStagedSums, type StagedSums } from '@/lib/uploads/staged-sums';
import { logger } from '@/lib/log';
import { importMethod } from './methods';

/** Staged uploads of PUT /stage being written by this process (the sweeper leaves these alone). */
const processGlobals = globalThis as unknown as { glanceStageRequests?: Set<string> };
export function stagingNow(): Set<string> {
  return (processGlobals.glanceStageRequests ??= new Set());
}

/** Marks a staged upload as PUT /stage's (not resumable, unlike the console's tus uploads). */
export const STAGE_METADATA = { via: 'stage' } as const;

/** This node's URL for os_glance_stage_host (Glance: worker_self_reference_url or public_endpoint). */
export function selfUrl(): string | null {
  return getConfig().workerSelfReferenceUrl ?? getConfig().publicEndpoint;
}

export interface StageInput {
  body: AsyncIterable<Uint8Array>;
  contentLength: number | null;
}

/** Glance's deserializer: PUT /stage exists only while glance-direct is enabled (checked before the Content-Type). */
export function assertStageAvailable(): void {
  if (!importMethod('glance-direct')) throw new NotFound("'glance-direct' method is not available at this site.");
}

export async function stageImageData(ctx: RequestContext, id: string, input: StageInput): Promise<void> {
  assertStageAvailable();
  await assertUploadLimits(ctx, 'stage', input.contentLength ?? 0);
  const image = await loadVisible(ctx, id);
  enforceImageDataOwner(ctx, image);
  await beginUpload(ctx, id, image.status, 'uploading');
  try {
    await assertUploadLimits(ctx, 'uploading');
  } catch (err) {
    await moveIfAt(ctx, id, 'uploading', 'queued', 'upload_failed', 'over a limit').catch(() => false);
    throw err;
  }
  if (await findStaged(id)) {
    // Left by an earlier attempt that never finished cleaning up: Glance's Duplicate.
    await moveIfAt(ctx, id, 'uploading', 'queued', 'upload_failed', 'data already staged');
    throw new Conflict(`The image ${id} has data on staging`);
  }
  stagingNow().add(id);
  try {
    const size = await writeStaged(id, input);
    const host = selfUrl();
    await inTransaction(async (tx) => {
      await setStagedSize(tx, id, size);
      if (host) await setServiceProperties(tx, id, { os_glance_stage_host: host });
    });
  } catch (err) {
    await removeStaged(id).catch((e) => logger.warn({ err: e, imageId: id }, 'could not remove a failed stage'));
    await moveIfAt(ctx, id, 'uploading', 'queued', 'upload_failed', err instanceof Error ? err.message : String(err)).catch(() => false);
    throw storageError(err);
  } finally {
    stagingNow().delete(id);
  }
}

/**
 * Write the body to the staged file, within image_size_cap; its size. The
 * bytes are hashed (md5, sha512) and their format detected as they are
 * written, through PUT /file's pipeline, and the sums recorded beside the
 * file (staged-sums.ts): the import then only judges and moves it.
 */
export async function writeStaged(id: string, input: StageInput): Promise<number> {
  const cap = getConfig().imageSizeCap;
  if (input.contentLength !== null && input.contentLength > cap) throw new SizeLimitExceeded();
  const store = staging();
  // The record first, its length unknown: a process stopped mid-write leaves an incomplete upload the sweeper removes.
  await store.create({ id, size: undefined, offset: 0, metadata: { ...STAGE_METADATA }, creation_date: new Date().toISOString() } as never);
  const fh = await open(stagedPath(id), 'r+');
  const detection = new FormatDetection();
  // No fsync, as PUT /file's store and the console's staging: a process killed later loses nothing.
  const sink = new IngestPipeline(fh, detection);
  let sums: StagedSums;
  try {
    for await (const chunk of input.body) {
      if (sink.size + chunk.byteLength > cap) throw new SizeLimitExceeded();
      const wait = sink.push(chunk);
      if (wait) await wait;
    }
    sums = { size: sink.size, digests: await sink.finish(), findings: detection.findings() };
  } catch (err) {
    await sink.abandon();
    throw err;
  } finally {
    await fh.close();
  }
  await store.declareUploadLength(id, sums.size);
  await recordStagedSums(stagedPath(id), sums);
  return sums.size;
}
