// web-download: the place for the method (Glance's web-download): the fetcher
// (lib/imports/web-fetch.ts, openWebSource(uri, opts), with
// [import_filtering_opts] applied to every redirect) is written separately.
// Until it lands this method is not registered (lib/imports/methods/index.ts),
// so /v2/info/import does not list it and a request naming it is Glance's 400
// "Unknown import method name". Plugging it in:
//   statusConflict: status === 'queued' ? null : "Image needs to be in 'queued' state to use 'web-download' method"
//   check: the URI passes the filtering (else 400 "URI for web-download does not pass filtering: <uri>")
//   open: const { body, contentLength } = await openWebSource(uri, opts);
//         into(store, { cap, check }) => store.add(imageId, body, { expectedSize: contentLength, cap, check })
//         (one store reads the body; for several stores, stage it first: see Glance's _WebDownload)
//   discard: nothing to remove.
import type { ImportMethod } from './types';

export const webDownload: ImportMethod | null = null;
