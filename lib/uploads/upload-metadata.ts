// The tus Upload-Metadata keys of a console upload: the browser sends them,
// the server reads them. No server code in its imports (the browser bundle
// reads this very list).
export const UPLOAD_METADATA = {
  /** The queued image the data is for (also the staged upload's name). */
  imageId: 'imageId',
  /** The store to import into (multi-store, admins only); absent: the default store. */
  store: 'store',
} as const;
