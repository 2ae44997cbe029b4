// S3 and network failures as the Glance errors a client sees. SDK errors
// never leave this module: only our errors are thrown on, and only the
// error's name, code and HTTP status are logged (never its message or
// request, which could carry a signature).
import { GlanceError } from '@/lib/errors';
import { logger } from '@/lib/log';
import { DataNotDeletable, StorageFull, StorageUnavailable, StorageWriteDenied } from '../errors';
import { ImageDataGone } from '../driver';

export type Operation = 'read' | 'write' | 'delete' | 'check';

interface SdkError {
  name?: string;
  code?: string;
  Code?: string;
  $metadata?: { httpStatusCode?: number };
}

/** What may be logged of an SDK or network error. */
export function describe(err: unknown): { name: string; code?: string; status?: number } {
  const e = (err ?? {}) as SdkError;
  const code = e.Code ?? e.code;
  return {
    name: typeof e.name === 'string' ? e.name : 'Error',
    ...(typeof code === 'string' ? { code } : {}),
    ...(e.$metadata?.httpStatusCode ? { status: e.$metadata.httpStatusCode } : {}),
  };
}

export function statusOf(err: unknown): number | undefined {
  return (err as SdkError)?.$metadata?.httpStatusCode;
}

/** The bucket or object does not exist (HEAD answers a bare 404 named NotFound). */
export function isMissing(err: unknown): boolean {
  const name = (err as SdkError)?.name;
  return statusOf(err) === 404 || name === 'NotFound' || name === 'NoSuchKey' || name === 'NoSuchBucket';
}

export function isAbort(err: unknown): boolean {
  return (err as SdkError)?.name === 'AbortError';
}

/**
 * The Glance error for a failed S3 call: a full quota is 413, a refused
 * write 503 (StorageWriteDenied), a refused delete 403, an upload aborted
 * under us (the image was deleted) ImageDataGone, anything else, including
 * an unreachable endpoint, 503. Our own errors pass through unchanged.
 */
export function storeError(store: string, op: Operation, err: unknown, imageId?: string): unknown {
  if (err instanceof GlanceError || err instanceof ImageDataGone) return err;
  const d = describe(err);
  logger.warn({ store, op, ...(imageId ? { imageId } : {}), error: d }, 's3 request failed');
  if (d.name === 'QuotaExceeded' || d.code === 'QuotaExceeded') return new StorageFull();
  if (op === 'write' && d.name === 'NoSuchUpload') return new ImageDataGone();
  if (d.status === 403) {
    if (op === 'write') return new StorageWriteDenied();
    if (op === 'delete' && imageId) return new DataNotDeletable(imageId);
  }
  return new StorageUnavailable();
}
