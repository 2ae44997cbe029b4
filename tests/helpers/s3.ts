// The suite's private Ceph RGW (started by `npm test`, scripts/lib/ceph-rgw.ts),
// as the tests see it: its endpoint and keys from TEST_S3_*, a client, fresh
// buckets, and listings so a test can assert that nothing was left behind.
import { randomBytes } from 'node:crypto';
import {
  AbortMultipartUploadCommand,
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectsCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  S3Client,
} from '@aws-sdk/client-s3';

export interface TestS3 {
  endpoint: string;
  accessKey: string;
  secretKey: string;
  region: string;
}

export function testS3(): TestS3 {
  const { TEST_S3_ENDPOINT, TEST_S3_ACCESS_KEY, TEST_S3_SECRET_KEY, TEST_S3_REGION } = process.env;
  if (!TEST_S3_ENDPOINT || !TEST_S3_ACCESS_KEY || !TEST_S3_SECRET_KEY) {
    throw new Error('TEST_S3_ENDPOINT is not set: run the suite with `npm test` (it starts a private Ceph RGW for tests/integration/stores/)');
  }
  return { endpoint: TEST_S3_ENDPOINT, accessKey: TEST_S3_ACCESS_KEY, secretKey: TEST_S3_SECRET_KEY, region: TEST_S3_REGION || 'us-east-1' };
}

let shared: S3Client | null = null;

/**
 * One client for the test RGW. Path-style: the gateway has no DNS name for virtual-host buckets.
 * Checksums only where the API requires them: the SDK's default streams bodies as aws-chunked
 * with a trailing CRC, which Ceph 16's RGW refuses (411 MissingContentLength).
 */
export function s3(): S3Client {
  if (shared) return shared;
  const t = testS3();
  shared = new S3Client({
    endpoint: t.endpoint,
    region: t.region,
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    credentials: { accessKeyId: t.accessKey, secretAccessKey: t.secretKey },
  });
  return shared;
}

/** A bucket name no other test uses (S3 rules: 3-63 lower-case letters, digits, hyphens). */
export function freshBucketName(prefix = 'test'): string {
  return `${prefix}-${randomBytes(8).toString('hex')}`;
}

/** Create a bucket with a fresh name and return the name. */
export async function freshBucket(prefix?: string): Promise<string> {
  const bucket = freshBucketName(prefix);
  await s3().send(new CreateBucketCommand({ Bucket: bucket }));
  return bucket;
}

export interface ListedObject {
  key: string;
  size: number;
}

/** Every object in the bucket, all pages. */
export async function listObjects(bucket: string): Promise<ListedObject[]> {
  const out: ListedObject[] = [];
  let token: string | undefined;
  do {
    const page = await s3().send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }));
    for (const o of page.Contents ?? []) out.push({ key: o.Key!, size: o.Size ?? 0 });
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return out;
}

export interface ListedUpload {
  key: string;
  uploadId: string;
}

/** Every multipart upload still open in the bucket (begun, neither completed nor aborted), all pages. */
export async function listMultipartUploads(bucket: string): Promise<ListedUpload[]> {
  const out: ListedUpload[] = [];
  let keyMarker: string | undefined;
  let uploadIdMarker: string | undefined;
  for (;;) {
    const page = await s3().send(new ListMultipartUploadsCommand({ Bucket: bucket, KeyMarker: keyMarker, UploadIdMarker: uploadIdMarker }));
    for (const u of page.Uploads ?? []) out.push({ key: u.Key!, uploadId: u.UploadId! });
    if (!page.IsTruncated) return out;
    keyMarker = page.NextKeyMarker;
    uploadIdMarker = page.NextUploadIdMarker;
  }
}

/** Abort open multipart uploads, delete every object, then the bucket: for after() hooks. */
export async function deleteBucketDeep(bucket: string): Promise<void> {
  const client = s3();
  for (const u of await listMultipartUploads(bucket)) {
    await client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: u.key, UploadId: u.uploadId }));
  }
  for (;;) {
    const objects = await listObjects(bucket);
    if (objects.length === 0) break;
    for (let i = 0; i < objects.length; i += 1000) {
      const batch = objects.slice(i, i + 1000).map((o) => ({ Key: o.key }));
      await client.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: batch, Quiet: true } }));
    }
  }
  await client.send(new DeleteBucketCommand({ Bucket: bucket }));
}

/** The [store] lines of an s3 store on the test RGW (or at `host`), path-style, for a server's config. */
export function s3StoreLines(bucket: string, host = testS3().endpoint): string[] {
  const t = testS3();
  return [
    `s3_store_host = ${host}`, `s3_store_access_key = ${t.accessKey}`, `s3_store_secret_key = ${t.secretKey}`,
    `s3_store_region_name = ${t.region}`, `s3_store_bucket = ${bucket}`, 's3_store_bucket_url_format = path',
  ];
}
