// web-download (Glance's _WebDownload): the server fetches method.uri, with
// [import_filtering_opts] applied to the URI at request time (Glance's 400) and
// to every redirect while fetching (lib/imports/web-fetch.ts). One target
// store reads the response body as it arrives (hashed and inspected on the
// way, image_size_cap enforced by the store); for several stores the body is
// first written to this node's staging area, as Glance always does, and each
// store reads the staged file (the last one adopts it).
import { BadRequest } from '@/lib/errors';
import { stagedDownload } from './staged-source';
import { checkImportUri, notPassingFiltering, openWebSource } from '../web-fetch';
import { pyStr } from '../body';
import { logger } from '@/lib/log';
import type { ImportMethod, ImportSource } from './types';

export const webDownload: ImportMethod = {
  name: 'web-download',
  openFailsEveryStore: true,
  statusConflict: (status) => (status === 'queued' ? null : "Image needs to be in 'queued' state to use 'web-download' method"),
  async check(_ctx, req) {
    const uri = req.method.uri;
    const why = typeof uri === 'string' && uri !== '' ? await checkImportUri(uri) : 'no URI';
    if (why !== null) {
      logger.info({ why }, 'web-download URI refused');
      throw new BadRequest(notPassingFiltering(pyStr(uri)));
    }
  },
  async open({ imageId, request, targets }): Promise<ImportSource> {
    const uri = String((request.method as { uri?: unknown }).uri ?? '');
    if (targets > 1) return stagedDownload(imageId, () => openWebSource(uri));
    return {
      size: null,
      // The only store reads the response as it arrives (a resumed run fetches again).
      async into(store, { cap, capError, check }) {
        const { body, contentLength } = await openWebSource(uri);
        return store.add(imageId, body, { expectedSize: contentLength, cap, capError, check });
      },
      discard: async () => {},
    };
  },
};
