// An import source read from a complete file in this node's staging area:
// every store but the last reads a copy; the last adopts the file (moved,
// not copied, when on the same filesystem). discard() removes it.
import { createReadStream } from 'node:fs';
import { removeStaged, stagedPath } from '@/lib/uploads/staging';
import type { ImportSource } from './types';

export function stagedFileSource(imageId: string, size: number): ImportSource {
  const file = stagedPath(imageId);
  return {
    size,
    into: (store, { cap, check, last }) =>
      last
        ? store.adopt(imageId, file, { size, cap, check })
        : store.add(imageId, createReadStream(file, { highWaterMark: 1 << 20 }), { expectedSize: size, cap, check }),
    discard: () => removeStaged(imageId),
  };
}
