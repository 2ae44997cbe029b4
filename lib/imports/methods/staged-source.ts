// An import source read from a complete file in this node's staging area:
// every store but the last reads a copy; the last adopts the file (moved,
// not copied, when on the same filesystem). When the staging recorded the
// file's sums (staged-sums.ts) a move reads nothing: the recorded digests
// and format findings are used. discard() removes it.
import { createReadStream } from 'node:fs';
import { removeStaged, stagedPath } from '@/lib/uploads/staging';
import { trustedStagedSums } from '@/lib/uploads/staged-sums';
import type { ImportSource } from './types';
import { stagingNow, writeStaged } from '../stage';
import type { WebSource } from '../web-fetch';

export async function stagedFileSource(imageId: string, size: number): Promise<ImportSource> {
  const file = stagedPath(imageId);
  const sums = await trustedStagedSums(file, size);
  return {
    size,
    into: (store, { cap, capError, check, last }) =>
      last
        ? store.adopt(imageId, file, { size, cap, check, known: sums ? { digests: sums.digests, conclude: () => check.concludeFrom(sums.findings) } : undefined })
        : store.add(imageId, createReadStream(file, { highWaterMark: 1 << 20 }), { expectedSize: size, cap, capError, check }),
    discard: () => removeStaged(imageId),
  };
}

/** A download written to staging once (several target stores read it from there); nothing kept if it fails. */
export async function stagedDownload(imageId: string, open: () => Promise<Pick<WebSource, 'body' | 'contentLength'>>): Promise<ImportSource> {
  await removeStaged(imageId); // an earlier run cut short
  stagingNow().add(imageId);
  let size: number;
  try {
    const { body, contentLength } = await open();
    size = await writeStaged(imageId, { body, contentLength });
  } catch (err) {
    await removeStaged(imageId).catch(() => {});
    throw err;
  } finally {
    stagingNow().delete(imageId);
  }
  return stagedFileSource(imageId, size);
}
