// Filesystem errors as the Glance errors a client sees: glance_store's
// StorageFull (413), StorageWriteDenied (503) and Forbidden on delete (403),
// and a failing medium (503). Shared by the store and the staging area.
import { Forbidden, RequestEntityTooLarge, ServiceUnavailable } from '@/lib/errors';

/** Glance's words for a full store, used for both "no directory has room" and ENOSPC. */
export class StorageFull extends RequestEntityTooLarge {
  constructor() {
    super('Image storage media is full: There is not enough disk space on the image storage media.');
  }
}

/** glance_store's Forbidden for a file it cannot delete (Glance answers 403), without the store's path. */
export class DataNotDeletable extends Forbidden {
  constructor(imageId: string) {
    super(`You cannot delete the file of image ${imageId}`);
  }
}

/** Glance's StorageWriteDenied, as its upload API reports it (503). */
export class StorageWriteDenied extends ServiceUnavailable {
  constructor() {
    super('Insufficient permissions on image storage media: Permission to write image storage media denied.');
  }
}

/** The storage media failed or refused a read: 503, the request may succeed later. */
export class StorageUnavailable extends ServiceUnavailable {
  constructor() {
    super('Image storage media is not available: the image data could not be read or written.');
  }
}

const FULL_CODES = new Set(['ENOSPC', 'EDQUOT', 'EFBIG']);
const DENIED_CODES = new Set(['EACCES', 'EROFS', 'EPERM']);
const MEDIA_CODES = new Set(['EIO', 'ENXIO', 'ENODEV', 'ESTALE']);

/**
 * A filesystem error as the Glance error a client should see: full → 413,
 * not writable → 503, media failure → 503. Anything else is returned as is.
 * Also used for the staging area of browser uploads.
 */
export function storageError(err: unknown): unknown {
  const code = (err as NodeJS.ErrnoException)?.code ?? '';
  if (FULL_CODES.has(code)) return new StorageFull();
  if (DENIED_CODES.has(code)) return new StorageWriteDenied();
  if (MEDIA_CODES.has(code)) return new StorageUnavailable();
  return err;
}
