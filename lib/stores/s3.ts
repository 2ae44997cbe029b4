// glance_store's s3 driver: image data as objects named by image id in one
// bucket of an S3 service (Ceph RGW, AWS, ...), located by
// s3[+https]://host/bucket/<image id>. Streams in and out; memory per upload
// is bounded by the parts in flight (s3_store_thread_pools ×
// s3_store_large_object_chunk_size). Credentials stay in the configuration:
// never in a location, a response or a log line.
import { open } from 'node:fs/promises';
import type { S3Client } from '@aws-sdk/client-s3';
import type { BackendConfig, S3BackendConfig } from '@/lib/config';
import { logger } from '@/lib/log';
import {
  SizeLimitExceeded, overCap,
  StoreConfigError,
  UploadAborted,
  type AddOptions,
  type ChunkSink,
  type DetachedData,
  type StoreDriver,
  type StoredData,
} from './driver';
import { StorageFull, storageError, StorageUnavailable } from './errors';
import { IngestPipeline, type ContentObserver } from './ingest';
import { describe, isMissing, storeError, type Operation } from './s3/errors';
import { buildLocation, parseLocation, sameService, sameTransport, schemeOf, serviceOf } from './s3/location';
import { configProblem, MiB } from './s3/options';
import type * as Sdk from './s3/sdk';

/** S3's limit on the parts of one multipart upload (glance_store's MAX_PART_NUM). */
const MAX_PARTS = 10_000;
/** The start-up check waits this long for S3, then start-up goes on with a warning. */
const VERIFY_TIMEOUT_MS = 5_000;
/** adopt() reads the staged file in chunks of this size. */
const READ_CHUNK = 1 * MiB;

/** The SDK side of the driver, imported when an s3 store is first used (see s3/sdk.ts). */
let sdkModule: Promise<typeof Sdk> | null = null;
const loadSdk = () => (sdkModule ??= import('./s3/sdk'));

export class S3Store implements StoreDriver {
  readonly type = 's3' as const;
  readonly id: string;
  readonly description: string | null;
  readonly weight: number;
  private readonly section: string;
  private readonly cfg: S3BackendConfig;
  private clientInstance: S3Client | null = null;
  /** Known to exist (checked or created); reset when S3 says it is gone. */
  private bucketReady = false;

  constructor(backend: BackendConfig) {
    if (!backend.s3) throw new Error(`[${backend.section}] is not an s3 store`);
    this.id = backend.id;
    this.description = backend.description;
    this.weight = backend.weight;
    this.section = backend.section;
    this.cfg = backend.s3;
  }

  /** The SDK and the client, built on first use after verify() has checked the options (the CA bundle is read here). */
  private async s3(): Promise<{ sdk: typeof Sdk; client: S3Client }> {
    const sdk = await loadSdk();
    this.clientInstance ??= sdk.createClient(this.id, this.cfg);
    return { sdk, client: this.clientInstance };
  }

  owns(location: string): boolean {
    const l = parseLocation(location);
    return (
      l !== null &&
      sameTransport(l.scheme, schemeOf(this.cfg.host)) &&
      sameService(l.host, serviceOf(this.cfg.host)) &&
      l.bucket === this.cfg.bucket
    );
  }

  /** Bucket and key of one of our locations. The location is not quoted: Glance-written ones carry credentials. */
  private objectOf(location: string): { bucket: string; key: string } {
    const l = parseLocation(location);
    if (!l) throw new Error(`store ${this.id}: not an s3 location`);
    return { bucket: l.bucket, key: l.key };
  }

  /**
   * Configuration mistakes stop start-up; an S3 service that cannot be
   * reached, refuses the keys or lacks the bucket only gets a warning, so
   * the other stores keep serving (requests to this one answer 503).
   */
  async verify(): Promise<void> {
    const problem = configProblem(this.section, this.cfg);
    if (problem) throw new StoreConfigError(problem);
    try {
      const { sdk, client } = await this.s3();
      await client.send(new sdk.HeadBucketCommand({ Bucket: this.cfg.bucket }), { abortSignal: AbortSignal.timeout(VERIFY_TIMEOUT_MS) });
      this.bucketReady = true;
    } catch (err) {
      const where = { store: this.id, section: this.section, bucket: this.cfg.bucket, error: describe(err) };
      if (!isMissing(err)) logger.warn(where, 'S3 store not usable at start-up; its requests will fail until it is');
      else if (this.cfg.createBucketOnPut) logger.info(where, 'S3 bucket does not exist yet; the first upload creates it');
      else logger.warn(where, 'S3 bucket does not exist and s3_store_create_bucket_on_put is off: uploads to this store will fail');
    }
  }

  /** A failed S3 call as the error to throw; a vanished bucket is looked for again on the next upload. */
  private failed(op: Operation, err: unknown, imageId?: string): unknown {
    if ((err as { name?: string })?.name === 'NoSuchBucket') this.bucketReady = false;
    return storeError(this.id, op, err, imageId);
  }

  /** glance_store's add(): the bucket must exist, or be created when s3_store_create_bucket_on_put says so. */
  private async ensureBucket(imageId: string): Promise<void> {
    if (this.bucketReady) return;
    try {
      const { sdk, client } = await this.s3();
      await client.send(new sdk.HeadBucketCommand({ Bucket: this.cfg.bucket }));
    } catch (err) {
      if (!isMissing(err)) throw this.failed('write', err, imageId);
      if (!this.cfg.createBucketOnPut) {
        logger.warn(
          { store: this.id, section: this.section, bucket: this.cfg.bucket },
          'The bucket does not exist in S3. Please set the s3_store_create_bucket_on_put option to add bucket to S3 automatically.',
        );
        throw new StorageUnavailable();
      }
      await this.createBucket(imageId);
    }
    this.bucketReady = true;
  }

  /**
   * glance_store's _create_bucket. Its LocationConstraint (s3_store_region_name,
   * else the Amazon host's region, none for us-east-1 or any other host) is
   * what the SDK adds by itself from the client's region (see location.ts).
   */
  private async createBucket(imageId: string): Promise<void> {
    try {
      const { sdk, client } = await this.s3();
      await client.send(new sdk.CreateBucketCommand({ Bucket: this.cfg.bucket }));
      logger.info({ store: this.id, bucket: this.cfg.bucket }, 'created the S3 bucket (s3_store_create_bucket_on_put)');
    } catch (err) {
      // Another node created it first.
      if ((err as { name?: string })?.name === 'BucketAlreadyOwnedByYou') return;
      throw this.failed('write', err, imageId);
    }
  }

  /** glance_store's part size: the chunk size, larger when a known size would need more than 10,000 parts. */
  private partSizeFor(expectedSize: number | null): number {
    const chunk = this.cfg.largeObjectChunkSize * MiB;
    return expectedSize === null ? chunk : Math.max(chunk, Math.ceil(expectedSize / MAX_PARTS));
  }

  /**
   * Stream `data` into the object <bucket>/<image id>, hashed and inspected on
   * the way as the file store does. The object appears only once every byte
   * is in, counted, hashed and accepted by `check`; on any failure the
   * multipart upload is aborted and nothing is left in the bucket.
   */
  async add(imageId: string, data: AsyncIterable<Uint8Array>, opts: AddOptions): Promise<StoredData> {
    if (opts.expectedSize !== null && opts.expectedSize > opts.cap) throw overCap(opts);
    await this.ensureBucket(imageId);
    const partSize = this.partSizeFor(opts.expectedSize);
    const { sdk, client } = await this.s3();
    const upload = new sdk.ObjectUpload(
      client,
      this.cfg.bucket,
      imageId,
      { partSize, queueSize: this.cfg.threadPools },
      (err) => this.failed('write', err, imageId),
    );
    const sink = new IngestPipeline(null, opts.check ?? null);
    let ok = false;
    try {
      for await (const chunk of data) {
        const size = sink.size + chunk.byteLength;
        if (size > opts.cap) throw overCap(opts);
        if (size > partSize * MAX_PARTS) throw new StorageFull();
        const sending = upload.write(chunk);
        sending?.catch(() => {}); // awaited below, unless push() throws first
        const hashing = sink.push(chunk);
        if (sending || hashing) await Promise.all([sending, hashing]);
      }
      if (opts.expectedSize !== null && sink.size !== opts.expectedSize) {
        throw new UploadAborted(`Request body ended after ${sink.size} of ${opts.expectedSize} bytes`);
      }
      const digests = await sink.finish();
      opts.check?.conclude();
      await upload.finish();
      ok = true;
      return { location: buildLocation(this.cfg.host, this.cfg.bucket, imageId), store: this.id, size: sink.size, ...digests };
    } catch (err) {
      throw storageError(err);
    } finally {
      if (!ok) {
        await sink.abandon();
        await upload.cancel().catch((err) =>
          logger.warn({ store: this.id, imageId, error: describe(err) }, 'could not remove a failed upload from S3; left for recovery'),
        );
      }
    }
  }

  /** A complete staged file (the console's upload) streamed in like add(). The file is left for the caller to remove. */
  async adopt(imageId: string, file: string, opts: { size: number; cap: number; check?: ContentObserver }): Promise<StoredData> {
    if (opts.size > opts.cap) throw new SizeLimitExceeded();
    const fh = await open(file, 'r').catch((err) => {
      throw storageError(err);
    });
    try {
      const info = await fh.stat();
      if (info.size !== opts.size) throw new UploadAborted(`${file} has ${info.size} of ${opts.size} bytes`);
      const stream = fh.createReadStream({ highWaterMark: READ_CHUNK, autoClose: false });
      return await this.add(imageId, stream, { expectedSize: opts.size, cap: opts.cap, check: opts.check });
    } finally {
      await fh.close();
    }
  }

  async copyTo(location: string, range: { start: number; end: number }, sink: ChunkSink, signal: AbortSignal): Promise<void> {
    try {
      const { sdk, client } = await this.s3();
      await sdk.copyRange(client, this.objectOf(location), range, sink, signal);
    } catch (err) {
      if (signal.aborted) throw err;
      throw this.failed('read', err);
    }
  }

  /** Before a download's headers: false when the object is gone (Glance answers 204), 503 when S3 cannot say. */
  async readable(location: string): Promise<boolean> {
    const { bucket, key } = this.objectOf(location);
    try {
      const { sdk, client } = await this.s3();
      await client.send(new sdk.HeadObjectCommand({ Bucket: bucket, Key: key }));
      return true;
    } catch (err) {
      if (isMissing(err)) return false;
      throw this.failed('read', err);
    }
  }

  /**
   * Nothing can be set aside in S3: the first step of a delete only checks
   * the object is there, so an unreachable S3 refuses the delete before
   * anything is recorded. Null when the object is already gone.
   */
  async detach(location: string, imageId: string): Promise<DetachedData | null> {
    const { bucket, key } = this.objectOf(location);
    try {
      const { sdk, client } = await this.s3();
      await client.send(new sdk.HeadObjectCommand({ Bucket: bucket, Key: key }));
      return { location, aside: null };
    } catch (err) {
      if (isMissing(err)) return null;
      throw this.failed('delete', err, imageId);
    }
  }

  async reattach(_d: DetachedData): Promise<void> {
    // Nothing was moved.
  }

  async purge(d: DetachedData): Promise<void> {
    await this.remove(d.location);
  }

  async detachedData(): Promise<DetachedData[]> {
    return [];
  }

  async remove(location: string): Promise<void> {
    const { bucket, key } = this.objectOf(location);
    try {
      const { sdk, client } = await this.s3();
      await client.send(new sdk.DeleteObjectCommand({ Bucket: bucket, Key: key }));
    } catch (err) {
      if (isMissing(err)) return;
      throw this.failed('delete', err, key);
    }
  }

  /** The multipart uploads an interrupted upload of the image left (its parts), aborted. */
  async removePartial(imageId: string): Promise<void> {
    try {
      const { sdk, client } = await this.s3();
      const n = await sdk.abortMultipartUploads(client, this.cfg.bucket, imageId);
      if (n > 0) logger.info({ store: this.id, imageId, uploads: n }, 'aborted the multipart uploads of an interrupted upload');
    } catch (err) {
      if (isMissing(err)) return; // no bucket, no parts
      throw this.failed('delete', err, imageId);
    }
  }

  /** Parts and object of an image whose location was never recorded (a crash between the upload and the commit). */
  async removeUnrecorded(imageId: string): Promise<void> {
    await this.removePartial(imageId);
    await this.remove(buildLocation(this.cfg.host, this.cfg.bucket, imageId));
  }

  /** What Glance's /v2/info/stores/detail shows for an s3 store (discovery.py _get_s3_properties): sizes in bytes. */
  properties(): Record<string, unknown> {
    return {
      s3_store_large_object_size: this.cfg.largeObjectSize * MiB,
      s3_store_large_object_chunk_size: this.cfg.largeObjectChunkSize * MiB,
      s3_store_thread_pools: this.cfg.threadPools,
    };
  }
}
