// The staging area for browser uploads and PUT /stage: a tus FileStore (one
// that hashes as it writes: hashing-store.ts) under the configured
// node_staging_uri. One staged upload per image, named by the image id, so
// the image's state and its staged bytes can always be matched up.
import { rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { FileStore } from '@tus/file-store';
import { getConfig } from '@/lib/config';
import { HashingFileStore } from './hashing-store';
import { sumsPathOf } from './staged-sums';

export type StagedUpload = Awaited<ReturnType<FileStore['getUpload']>>;

/** tus store errors are plain {status_code, body} objects: 404 unknown, 410 data gone. */
function isMissing(err: unknown): boolean {
  const code = (err as { status_code?: number } | null)?.status_code;
  return code === 404 || code === 410;
}

const processGlobals = globalThis as unknown as { glanceStaging?: FileStore };

export function staging(): FileStore {
  if (!processGlobals.glanceStaging) processGlobals.glanceStaging = new HashingFileStore({ directory: getConfig().stagingDir });
  return processGlobals.glanceStaging;
}

export function stagedPath(imageId: string): string {
  return path.join(getConfig().stagingDir, imageId);
}

/** The staged upload of an image, or null when there is none (or its data is gone). */
export async function findStaged(imageId: string): Promise<StagedUpload | null> {
  try {
    return await staging().getUpload(imageId);
  } catch (err) {
    if (isMissing(err)) return null;
    throw err;
  }
}

/** Remove an image's staged bytes and their tus record; absent is fine. */
export async function removeStaged(imageId: string): Promise<void> {
  const store = staging();
  // The sums first: they must never outlive the bytes they describe.
  await rm(sumsPathOf(stagedPath(imageId)), { force: true });
  await rm(`${sumsPathOf(stagedPath(imageId))}.tmp`, { force: true });
  try {
    await store.remove(imageId);
  } catch (err) {
    if (!isMissing(err)) throw err;
    await store.configstore.delete(imageId).catch(() => {});
  }
}

/** Ids of every staged upload, finished or not. */
export async function listStaged(): Promise<string[]> {
  return (await staging().configstore.list?.()) ?? [];
}

/** When bytes last arrived for a staged upload (its file's mtime). */
export async function lastActivity(imageId: string): Promise<Date | null> {
  try {
    return (await stat(stagedPath(imageId))).mtime;
  } catch {
    return null;
  }
}
