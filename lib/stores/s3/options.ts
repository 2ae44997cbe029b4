// The start-up check of one S3 backend's options, with Glance's rules
// (glance_store/_drivers/s3.py configure_add and _create_s3_client) beyond
// what lib/config already refuses.
import { accessSync, constants } from 'node:fs';
import type { S3BackendConfig } from '@/lib/config';
import { isDnsBucketName } from './location';

export const MiB = 1024 * 1024;
/** glance_store's DEFAULT_LARGE_OBJECT_MIN_CHUNK_SIZE, also S3's smallest part. */
const MIN_CHUNK_MB = 5;

/**
 * The first configuration mistake, as "[section] key: why", or null.
 * Glance's BadStoreConfiguration cases plus what its boto3 client would
 * refuse later (a non-DNS bucket with virtual hosting, an unreadable CA bundle).
 */
export function configProblem(section: string, c: S3BackendConfig): string | null {
  const bad = (key: string, why: string) => `[${section}] ${key}: ${why}`;
  if (!c.host) return bad('s3_store_host', 'required for an s3 store');
  if (!/^(https?:\/\/)?(\[[0-9A-Fa-f:.]+\]|[^/:@\s[\]]+)(:\d+)?(\/[^\s@]*)?$/.test(c.host)) return bad('s3_store_host', 'not a host[:port], http://… or https://… address');
  if (!c.accessKey) return bad('s3_store_access_key', 'required for an s3 store');
  if (!c.secretKey) return bad('s3_store_secret_key', 'required for an s3 store');
  if (!c.bucket) return bad('s3_store_bucket', 'required for an s3 store');
  if (!/^[A-Za-z0-9._-]{3,255}$/.test(c.bucket)) return bad('s3_store_bucket', 'not a valid bucket name');
  if (!['auto', 'virtual', 'path'].includes(c.bucketUrlFormat)) return bad('s3_store_bucket_url_format', "must be 'auto', 'virtual' or 'path'");
  if (c.bucketUrlFormat === 'virtual' && !isDnsBucketName(c.bucket)) {
    return bad('s3_store_bucket_url_format', `'virtual' needs a bucket name that is a DNS label; use 'path' for bucket ${c.bucket}`);
  }
  if (!Number.isInteger(c.largeObjectSize) || c.largeObjectSize < 0) return bad('s3_store_large_object_size', 'must be an integer >= 0 (MB)');
  if (!Number.isInteger(c.largeObjectChunkSize) || c.largeObjectChunkSize < MIN_CHUNK_MB) {
    return bad('s3_store_large_object_chunk_size', `must be at least ${MIN_CHUNK_MB} MB`);
  }
  if (!Number.isInteger(c.threadPools) || c.threadPools <= 0) return bad('s3_store_thread_pools', 'must be a positive integer');
  if (c.cacert) {
    try {
      accessSync(c.cacert, constants.R_OK);
    } catch {
      return bad('s3_store_cacert', `cannot read the CA bundle ${c.cacert}`);
    }
  }
  return null;
}
