// What was computed while a file was staged (md5, sha512, the format
// findings), kept in a sidecar next to it so the import has nothing left to
// hash: the sidecar lives and goes with the staged bytes, on the node that
// holds them, and survives a restart. It is trusted only for the very file it
// was written for: same size, inode and modification time. That is enough
// because the staging area (node_staging_uri) is private to the service: only
// this service writes there, and an image's staged file is written once
// (PUT /stage refuses a second stage) and then only read, under the import lock.
import { readFile, rename, stat, writeFile } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import type { FormatFindings } from '@/lib/images/content-check';
import type { Digests } from '@/lib/stores/hasher';

export interface StagedSums {
  size: number;
  digests: Digests;
  findings: FormatFindings;
}

interface Sidecar extends StagedSums {
  /** The staged file these are the sums of. */
  ino: number;
  mtimeMs: number;
}

/** The sidecar of a staged file; sorted after `<id>.json`, as tus's FileConfigstore.list needs. */
export function sumsPathOf(stagedFile: string): string {
  return `${stagedFile}.sums`;
}

/** Record the sums of the staged file as it is now (written whole, then renamed: never half a sidecar). */
export async function recordStagedSums(stagedFile: string, sums: StagedSums): Promise<void> {
  const file = await stat(stagedFile);
  if (file.size !== sums.size) throw new Error(`staged file has ${file.size} of ${sums.size} bytes`);
  const sidecar: Sidecar = { ...sums, ino: file.ino, mtimeMs: file.mtimeMs };
  const tmp = `${sumsPathOf(stagedFile)}.tmp`;
  await writeFile(tmp, JSON.stringify(sidecar), { mode: 0o600 });
  await rename(tmp, sumsPathOf(stagedFile));
}

/**
 * The recorded sums if they are those of the staged file of `size` bytes;
 * null when there are none (an upload resumed after a restart, a stage cut
 * short) or they belong to other bytes: the import then hashes the file itself.
 */
export async function trustedStagedSums(stagedFile: string, size: number): Promise<StagedSums | null> {
  let sidecar: Sidecar;
  let file: Stats;
  try {
    sidecar = JSON.parse(await readFile(sumsPathOf(stagedFile), 'utf8')) as Sidecar;
    file = await stat(stagedFile);
  } catch {
    return null;
  }
  const same = sidecar.size === size && file.size === size && file.ino === sidecar.ino && file.mtimeMs === sidecar.mtimeMs;
  const whole = typeof sidecar.digests?.checksum === 'string' && typeof sidecar.digests?.osHashValue === 'string' && Array.isArray(sidecar.findings?.formats);
  return same && whole ? { size, digests: sidecar.digests, findings: sidecar.findings } : null;
}
