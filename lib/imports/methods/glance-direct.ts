// glance-direct: the data PUT /stage (or a console upload) left in this node's
// staging area goes into the target stores. Every store but the last reads a
// copy; the last adopts the staged file (moved, not copied, when it is on the
// same filesystem). The staged data is removed when the run ends.
import { Conflict } from '@/lib/errors';
import { findStaged } from '@/lib/uploads/staging';
import { stagedFileSource } from './staged-source';
import type { ImportMethod, ImportSource } from './types';

export class StagedDataMissing extends Conflict {
  constructor() {
    super('The staged data is missing or incomplete');
  }
}

export const glanceDirect: ImportMethod = {
  name: 'glance-direct',
  statusConflict: (status) => (status === 'uploading' ? null : "Image needs to be staged before 'glance-direct' method can be used"),
  async open({ imageId }): Promise<ImportSource> {
    const staged = await findStaged(imageId);
    if (!staged || staged.size === undefined || staged.offset !== staged.size) throw new StagedDataMissing();
    return stagedFileSource(imageId, staged.size);
  },
};
