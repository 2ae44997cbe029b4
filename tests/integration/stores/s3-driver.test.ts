// The S3 store driver used directly against a real Ceph RGW: uploads hashed
// on the way, Range reads, every failure path leaving no object and no
// multipart upload (listed with a separate S3 client), deletes, start-up
// checks, and credentials that never show in a location, an error or a log.
//
// Needs TEST_S3_ENDPOINT (http://host:port), TEST_S3_ACCESS_KEY,
// TEST_S3_SECRET_KEY and TEST_S3_REGION (one the service creates buckets in:
// us-east-1 or, for RGW, its zonegroup's api_name, 'default' on a fresh
// cluster); creates and removes its own buckets.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectVersionsCommand,
  ListObjectsV2Command,
  PutBucketVersioningCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { S3BackendConfig } from '../../../lib/config';
import { S3Store } from '../../../lib/stores/s3';
import { abortMultipartUploads } from '../../../lib/stores/s3/upload';
import { ImageDataGone, SizeLimitExceeded, StoreConfigError, UploadAborted, type ChunkSink } from '../../../lib/stores/driver';
import { StorageUnavailable, StorageWriteDenied } from '../../../lib/stores/errors';
import type { ContentObserver } from '../../../lib/stores/ingest';
import { logger } from '../../../lib/log';
import { freshBucketName, s3, testS3 } from '../../helpers/s3';
import { TcpRelay } from '../../helpers/tcp-relay';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const { endpoint: ENDPOINT, accessKey: ACCESS, secretKey: SECRET, region: REGION } = testS3();

const MiB = 1024 * 1024;
const md5 = (b: Uint8Array) => createHash('md5').update(b).digest('hex');
const sha512 = (b: Uint8Array) => createHash('sha512').update(b).digest('hex');

// Every log call and every error the driver gives us, searched for credentials at the end.
const logged: string[] = [];
const seenErrors: unknown[] = [];
for (const level of ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const) {
  const original = logger[level].bind(logger) as (...a: unknown[]) => void;
  (logger as unknown as Record<string, unknown>)[level] = (...args: unknown[]) => {
    logged.push(JSON.stringify(args));
    original(...args);
  };
}

// The suite's client for the test RGW, independent of the driver under test.
const direct = s3();
const BUCKET = freshBucketName('s3drv');
const buckets = new Set<string>();
const tmp = mkdtempSync(path.join(os.tmpdir(), 'glance-s3drv-'));

function options(over: Partial<S3BackendConfig> = {}): S3BackendConfig {
  return {
    host: ENDPOINT,
    regionName: REGION,
    accessKey: ACCESS,
    secretKey: SECRET,
    bucket: BUCKET,
    createBucketOnPut: false,
    bucketUrlFormat: 'auto',
    largeObjectSize: 100,
    largeObjectChunkSize: 5,
    threadPools: 3,
    cacert: null,
    ...over,
  };
}

function storeWith(over: Partial<S3BackendConfig> = {}): S3Store {
  return new S3Store({ id: 'ceph', type: 's3', description: 'Ceph RGW', weight: 0, section: 'ceph', s3: options(over) });
}

const store = storeWith();

/** `data` in chunks of `chunk` bytes (fresh buffers, as a socket gives them); `onPulled` sees the running total. */
async function* chunksOf(data: Uint8Array, chunk = 64 * 1024, onPulled?: (n: number) => Promise<void> | void): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < data.byteLength; i += chunk) {
    const part = Buffer.from(data.subarray(i, Math.min(i + chunk, data.byteLength)));
    yield part;
    await onPulled?.(i + part.byteLength);
  }
}

/** A sink that keeps what it is given and says done on the next turn (a fast client). */
function collector(): ChunkSink & { bytes(): Buffer } {
  const parts: Buffer[] = [];
  return {
    write(chunk, done) {
      parts.push(Buffer.from(chunk));
      setImmediate(done);
    },
    bytes: () => Buffer.concat(parts),
  };
}

async function read(location: string, start: number, end: number, s: S3Store = store): Promise<Buffer> {
  const sink = collector();
  await s.copyTo(location, { start, end }, sink, new AbortController().signal);
  return sink.bytes();
}

/** What is in the bucket under exactly this key: objects and multipart uploads. */
async function leftovers(key: string, bucket = BUCKET): Promise<{ objects: number; uploads: number }> {
  const objects = await direct.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: key }));
  const uploads = await direct.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: key }));
  return {
    objects: (objects.Contents ?? []).filter((o) => o.Key === key).length,
    uploads: (uploads.Uploads ?? []).filter((u) => u.Key === key).length,
  };
}

const NOTHING = { objects: 0, uploads: 0 };

async function rejects<T extends abstract new (...a: never[]) => unknown>(p: Promise<unknown>, type: T): Promise<InstanceType<T>> {
  const err = await p.then(
    () => assert.fail(`expected ${type.name}, got success`),
    (e: unknown) => e,
  );
  seenErrors.push(err);
  assert.ok(err instanceof type, `expected ${type.name}, got ${(err as Error)?.constructor?.name}: ${(err as Error)?.message}`);
  return err as InstanceType<T>;
}

class Refused extends Error {}
const refuseAtEnd = (): ContentObserver & { seen: number } => ({
  seen: 0,
  eat(chunk) {
    this.seen += chunk.byteLength;
  },
  conclude() {
    throw new Refused('not a qcow2 image');
  },
});

/** Poll `probe` until `ok` says yes (at most 10 s); the last value either way. */
async function until<T>(probe: () => Promise<T>, ok: (v: T) => boolean): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const v = await probe();
    if (ok(v) || Date.now() > deadline) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** Sockets of the store's client (built by its first operation) that carry a request or response right now. */
function socketsInUse(s: S3Store): number {
  const client = (s as unknown as { clientInstance: S3Client }).clientInstance;
  const handler = client.config.requestHandler as unknown as { httpHandlerConfigs(): { httpAgent?: { sockets: Record<string, unknown[]> } } };
  const agent = handler.httpHandlerConfigs().httpAgent;
  return Object.values(agent?.sockets ?? {}).reduce((n, list) => n + list.length, 0);
}

before(async () => {
  await direct.send(new CreateBucketCommand({ Bucket: BUCKET }));
  buckets.add(BUCKET);
  await store.verify();
});

after(async () => {
  for (const bucket of buckets) {
    const exists = await direct.send(new HeadBucketCommand({ Bucket: bucket })).then(() => true, () => false);
    if (!exists) continue;
    const versions = await direct.send(new ListObjectVersionsCommand({ Bucket: bucket }));
    for (const v of [...(versions.Versions ?? []), ...(versions.DeleteMarkers ?? [])]) {
      await direct.send(new DeleteObjectCommand({ Bucket: bucket, Key: v.Key, VersionId: v.VersionId }));
    }
    const uploads = await direct.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
    for (const u of uploads.Uploads ?? []) await abortMultipartUploads(direct, bucket, u.Key!);
    await direct.send(new DeleteBucketCommand({ Bucket: bucket }));
  }
  rmSync(tmp, { recursive: true, force: true });
});

describe('uploads', () => {
  const big = randomBytes(50 * MiB);
  let bigLocation = '';

  test('a 50 MiB stream of unknown length: multipart, digests from the bytes, the object as sent', async () => {
    const id = randomUUID();
    const stored = await store.add(id, chunksOf(big), { expectedSize: null, cap: 1024 * MiB });
    assert.equal(stored.size, big.byteLength);
    assert.equal(stored.checksum, md5(big));
    assert.equal(stored.osHashAlgo, 'sha512');
    assert.equal(stored.osHashValue, sha512(big));
    assert.equal(stored.location, `s3://${ENDPOINT.replace(/^http:\/\//, '')}/${BUCKET}/${id}`);
    assert.ok(store.owns(stored.location));
    const head = await direct.send(new HeadObjectCommand({ Bucket: BUCKET, Key: id }));
    assert.equal(head.ContentLength, big.byteLength);
    // Uploaded in 5 MiB parts: S3's multipart ETag ends in "-<parts>".
    assert.match(head.ETag ?? '', /-10"$/);
    assert.deepEqual(await leftovers(id), { objects: 1, uploads: 0 });
    assert.equal(md5(await read(stored.location, 0, big.byteLength - 1)), md5(big));
    bigLocation = stored.location;
  });

  test('Range reads: first byte, last byte, a span across part boundaries', async () => {
    assert.ok(bigLocation);
    assert.deepEqual(await read(bigLocation, 0, 0), big.subarray(0, 1));
    assert.deepEqual(await read(bigLocation, big.byteLength - 1, big.byteLength - 1), big.subarray(big.byteLength - 1));
    const start = 5 * MiB - 1000;
    const end = 15 * MiB + 1000;
    assert.deepEqual(await read(bigLocation, start, end), big.subarray(start, end + 1));
  });

  test('a download aborted mid-way (client hang-up) ends at once and closes its S3 connection', async () => {
    assert.ok(bigLocation);
    const controller = new AbortController();
    let received = 0;
    let calledDone = 0;
    // A client that stops reading after 1 MiB: done is never called again.
    const sink: ChunkSink = {
      write(chunk, done) {
        received += chunk.byteLength;
        if (received <= MiB) {
          calledDone += chunk.byteLength;
          setImmediate(done);
        }
      },
    };
    const copying = store.copyTo(bigLocation, { start: 0, end: big.byteLength - 1 }, sink, controller.signal);
    copying.catch(() => {});
    const deadline = Date.now() + 10_000;
    while (received < 2 * MiB && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 300));
    // Reading stopped a few MiB ahead of the client, not at the end of the object.
    assert.ok(received - calledDone <= 8 * MiB, `only a few MiB ahead of the client, got ${received - calledDone}`);
    assert.ok(received < big.byteLength / 2);
    assert.equal(socketsInUse(store), 1);
    const started = Date.now();
    controller.abort(new Error('client went away'));
    await assert.rejects(copying, /client went away/);
    assert.ok(Date.now() - started < 1000);
    // The socket closes on the next turns of the event loop.
    while (socketsInUse(store) > 0 && Date.now() - started < 1000) await new Promise((r) => setTimeout(r, 10));
    assert.equal(socketsInUse(store), 0, 'the S3 response was destroyed, its socket not kept');
  });

  test('small bodies: one PUT, empty body, known size', async () => {
    const small = randomBytes(1000);
    const id = randomUUID();
    const stored = await store.add(id, chunksOf(small, 300), { expectedSize: small.byteLength, cap: MiB });
    assert.equal(stored.checksum, md5(small));
    const head = await direct.send(new HeadObjectCommand({ Bucket: BUCKET, Key: id }));
    assert.doesNotMatch(head.ETag ?? '', /-\d+"$/, 'a single PUT, not a multipart upload');
    assert.deepEqual(await read(stored.location, 10, 19), small.subarray(10, 20));

    const emptyId = randomUUID();
    const empty = await store.add(emptyId, chunksOf(Buffer.alloc(0)), { expectedSize: 0, cap: MiB });
    assert.equal(empty.size, 0);
    assert.equal(empty.checksum, md5(Buffer.alloc(0)));
    assert.equal(empty.osHashValue, sha512(Buffer.alloc(0)));
    assert.equal((await direct.send(new HeadObjectCommand({ Bucket: BUCKET, Key: emptyId }))).ContentLength, 0);
  });

  test('sizes around the part size, in chunks that do not divide it: every byte in place, the parts S3 expects', async () => {
    // The driver re-cuts the body into part-size datums for lib-storage (s3/part-feed.ts): its edges.
    const P = 5 * MiB;
    const cases = [
      { size: 1, chunk: 1, parts: 0 },
      { size: P - 1, chunk: 777 * 1024, parts: 0 },
      { size: P, chunk: MiB, parts: 0 },
      { size: P + 1, chunk: MiB, parts: 2 },
      { size: 2 * P, chunk: 3 * MiB + 5, parts: 2 },
      { size: 2 * P + 1, chunk: 64 * 1024, parts: 3 },
      { size: 3 * P + 12_345, chunk: 7 * MiB, parts: 4 },
    ];
    for (const c of cases) {
      const data = randomBytes(c.size);
      const id = randomUUID();
      const stored = await store.add(id, chunksOf(data, c.chunk), { expectedSize: null, cap: 1024 * MiB });
      assert.equal(stored.checksum, md5(data), `${c.size} bytes`);
      const head = await direct.send(new HeadObjectCommand({ Bucket: BUCKET, Key: id }));
      assert.equal(head.ContentLength, c.size);
      if (c.parts === 0) assert.doesNotMatch(head.ETag ?? '', /-\d+"$/, `${c.size} bytes: a single PUT`);
      else assert.match(head.ETag ?? '', new RegExp(`-${c.parts}"$`), `${c.size} bytes: ${c.parts} parts`);
      assert.equal(md5(await read(stored.location, 0, c.size - 1)), md5(data), `${c.size} bytes read back`);
      await store.remove(stored.location);
    }
  });

  test('a body that throws mid-way (client hang-up) leaves no object and no multipart upload', async () => {
    const id = randomUUID();
    const data = randomBytes(20 * MiB);
    let listedDuring = NOTHING;
    async function* hangsUp() {
      for await (const c of chunksOf(data, 64 * 1024, async (n) => {
        // Parts are on their way: wait until the multipart upload exists.
        if (n === 15 * MiB) listedDuring = await until(() => leftovers(id), (l) => l.uploads === 1);
      })) yield c;
      throw new Error('client closed the connection');
    }
    await assert.rejects(store.add(id, hangsUp(), { expectedSize: null, cap: 1024 * MiB }), /client closed the connection/);
    assert.deepEqual(listedDuring, { objects: 0, uploads: 1 }, 'the failure had a multipart upload to abort');
    assert.deepEqual(await leftovers(id), NOTHING);
  });

  test('content refused at conclude(): the object never existed, multipart or single PUT', async () => {
    // A versioned bucket keeps every object ever written (a delete only adds a marker):
    // an object completed and then removed would show.
    const bucket = freshBucketName('s3drv-versioned');
    await direct.send(new CreateBucketCommand({ Bucket: bucket }));
    buckets.add(bucket);
    await direct.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }));
    const versioned = storeWith({ bucket });
    for (const size of [12 * MiB, 2000]) {
      const id = randomUUID();
      const check = refuseAtEnd();
      await assert.rejects(versioned.add(id, chunksOf(randomBytes(size)), { expectedSize: size, cap: 1024 * MiB, check }), Refused);
      assert.equal(check.seen, size, 'the observer saw every byte');
      assert.deepEqual(await leftovers(id, bucket), NOTHING, `${size} bytes`);
      const history = await direct.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: id }));
      assert.deepEqual([...(history.Versions ?? []), ...(history.DeleteMarkers ?? [])], [], `${size} bytes: no version, no delete marker`);
    }
    // The bucket does keep what is written and deleted (the check above can fail).
    const kept = randomUUID();
    const stored = await versioned.add(kept, chunksOf(randomBytes(10)), { expectedSize: 10, cap: MiB });
    await versioned.remove(stored.location);
    const history = await direct.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: kept }));
    assert.equal((history.Versions ?? []).length + (history.DeleteMarkers ?? []).length, 2);
  });

  test('image_size_cap: refused up front for a declared size, and mid-stream; nothing left', async () => {
    const id = randomUUID();
    await rejects(store.add(id, chunksOf(randomBytes(10)), { expectedSize: 20 * MiB, cap: 12 * MiB }), SizeLimitExceeded);
    await rejects(store.add(id, chunksOf(randomBytes(20 * MiB)), { expectedSize: null, cap: 12 * MiB }), SizeLimitExceeded);
    assert.deepEqual(await leftovers(id), NOTHING);
  });

  test('a body shorter than its Content-Length is UploadAborted; nothing left', async () => {
    const id = randomUUID();
    await rejects(store.add(id, chunksOf(randomBytes(8 * MiB)), { expectedSize: 10 * MiB, cap: 1024 * MiB }), UploadAborted);
    assert.deepEqual(await leftovers(id), NOTHING);
  });

  test('the image deleted during its upload (multipart upload aborted under it): ImageDataGone, nothing left', async () => {
    const id = randomUUID();
    const data = randomBytes(30 * MiB);
    let removed = false;
    const body = chunksOf(data, 64 * 1024, async (n) => {
      if (n >= 12 * MiB && !removed && (await leftovers(id)).uploads === 1) {
        await store.removePartial(id); // what a delete of the saving image does
        removed = true;
      }
    });
    await rejects(store.add(id, body, { expectedSize: null, cap: 1024 * MiB }), ImageDataGone);
    assert.ok(removed);
    assert.deepEqual(await leftovers(id), NOTHING);
  });

  test('a staged file adopted: streamed in, digests checked; a size mismatch is UploadAborted', async () => {
    const data = randomBytes(7 * MiB + 3);
    const file = path.join(tmp, 'staged');
    writeFileSync(file, data);
    const id = randomUUID();
    const stored = await store.adopt(id, file, { size: data.byteLength, cap: 1024 * MiB });
    assert.equal(stored.checksum, md5(data));
    assert.equal(stored.osHashValue, sha512(data));
    assert.equal(md5(await read(stored.location, 0, data.byteLength - 1)), md5(data));
    const other = randomUUID();
    await rejects(store.adopt(other, file, { size: data.byteLength + 1, cap: 1024 * MiB }), UploadAborted);
    assert.deepEqual(await leftovers(other), NOTHING);
  });
});

describe('a slow or failing S3', () => {
  let relay: TcpRelay;
  let relayed: S3Store;

  before(async () => {
    const target = new URL(ENDPOINT);
    relay = await new TcpRelay({ host: target.hostname, port: Number(target.port) }).start();
    relayed = storeWith({ host: relay.url, threadPools: 2 });
    await relayed.verify();
  });
  after(() => relay.stop());

  test('a stalled S3 stops the reading of the body (bounded memory); the upload completes when it resumes', async () => {
    const data = randomBytes(120 * MiB);
    let pulled = 0;
    const id = randomUUID();
    relay.pause();
    const adding = relayed.add(id, chunksOf(data, 64 * 1024, (n) => void (pulled = n)), { expectedSize: null, cap: 1024 * MiB });
    adding.catch(() => {});
    await new Promise((r) => setTimeout(r, 2000));
    const first = pulled;
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(pulled, first, 'nothing more read while S3 is stalled');
    // 2 parts in flight + 1 being assembled (5 MiB each) + small queues and socket buffers.
    assert.ok(pulled <= 40 * MiB, `read ${pulled / MiB} MiB ahead of a stalled S3`);
    relay.resume();
    const stored = await adding;
    assert.equal(stored.checksum, md5(data));
    assert.equal(stored.location, `s3://127.0.0.1:${relay.port}/${BUCKET}/${id}`);
    // Over plain http every part body is signed (its SHA-256 in the signature), as botocore does.
    const parts = relay.requestHeads.filter((h) => /^PUT \S*partNumber=/.test(h));
    assert.equal(parts.length, 24);
    for (const h of parts) assert.match(h, /\r\nx-amz-content-sha256: [0-9a-f]{64}\r\n/i);
  });

  test('S3 gone mid-upload: StorageUnavailable (503); the parts left behind go with removePartial once it is back', async () => {
    const id = randomUUID();
    let cut = false;
    const body = chunksOf(randomBytes(40 * MiB), 64 * 1024, async (n) => {
      if (n >= 15 * MiB && !cut && (await leftovers(id)).uploads === 1) {
        cut = true;
        await relay.cut();
      }
    });
    const err = await rejects(relayed.add(id, body, { expectedSize: null, cap: 1024 * MiB }), StorageUnavailable);
    assert.equal(err.status, 503);
    assert.ok(cut);
    await relay.restore();
    // S3 was unreachable, so the multipart upload could not be aborted then.
    assert.deepEqual(await leftovers(id), { objects: 0, uploads: 1 });
    await relayed.removePartial(id);
    assert.deepEqual(await leftovers(id), NOTHING);
  });
});

describe('reachability, credentials and configuration', () => {
  test('an unreachable endpoint: start-up goes on, every operation is StorageUnavailable (503)', async () => {
    const down = storeWith({ host: `http://127.0.0.1:${await closedPort()}` });
    const started = Date.now();
    await down.verify(); // a warning, not a failure
    assert.ok(Date.now() - started < 6000);
    const location = `s3://127.0.0.1:1/${BUCKET}/${randomUUID()}`;
    const id = randomUUID();
    for (const op of [
      () => down.add(id, chunksOf(randomBytes(1000)), { expectedSize: 1000, cap: MiB }),
      () => down.readable(location),
      () => down.detach(location, id),
      () => down.copyTo(location, { start: 0, end: 9 }, collector(), new AbortController().signal),
      () => down.removePartial(id),
      () => down.remove(location),
    ]) {
      const err = await rejects(op(), StorageUnavailable);
      assert.equal(err.status, 503);
    }
  });

  test('https with s3_store_cacert: an s3+https location; without the CA bundle, StorageUnavailable', async () => {
    const key = path.join(tmp, 'tls.key');
    const cert = path.join(tmp, 'tls.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert,
      '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
    const target = new URL(ENDPOINT);
    const front = await new TcpRelay({ host: target.hostname, port: Number(target.port) }, { key: readFileSync(key, 'utf8'), cert: readFileSync(cert, 'utf8') }).start();
    try {
      const trusted = storeWith({ host: front.url, cacert: cert });
      await trusted.verify();
      const data = randomBytes(6 * MiB);
      const id = randomUUID();
      const stored = await trusted.add(id, chunksOf(data), { expectedSize: null, cap: 1024 * MiB });
      assert.equal(stored.location, `s3+https://127.0.0.1:${front.port}/${BUCKET}/${id}`);
      assert.equal(stored.checksum, md5(data));
      assert.equal(md5(await read(stored.location, 0, data.byteLength - 1, trusted)), md5(data));
      // Over TLS the part bodies are not hashed for the signature (botocore's rule).
      const parts = front.requestHeads.filter((h) => /^PUT \S*partNumber=/.test(h));
      assert.equal(parts.length, 2);
      for (const h of parts) assert.match(h, /\r\nx-amz-content-sha256: UNSIGNED-PAYLOAD\r\n/i);

      const untrusting = storeWith({ host: front.url });
      await untrusting.verify(); // a warning only
      await rejects(untrusting.readable(stored.location), StorageUnavailable);
    } finally {
      await front.stop();
    }
  });

  test('wrong keys: start-up goes on; an upload is StorageWriteDenied (503) with no key in the message', async () => {
    const denied = storeWith({ secretKey: 'not-the-secret' });
    await denied.verify();
    const err = await rejects(denied.add(randomUUID(), chunksOf(randomBytes(10)), { expectedSize: 10, cap: MiB }), StorageWriteDenied);
    assert.equal(err.status, 503);
  });

  test('s3_store_create_bucket_on_put: off, a missing bucket fails the upload; on, the first upload creates it', async () => {
    const bucket = freshBucketName('s3drv-new');
    buckets.add(bucket);
    const off = storeWith({ bucket });
    await off.verify();
    await rejects(off.add(randomUUID(), chunksOf(randomBytes(10)), { expectedSize: 10, cap: MiB }), StorageUnavailable);
    await assert.rejects(direct.send(new HeadBucketCommand({ Bucket: bucket })), { name: 'NotFound' });

    const on = storeWith({ bucket, createBucketOnPut: true });
    const data = randomBytes(6 * MiB);
    const stored = await on.add(randomUUID(), chunksOf(data), { expectedSize: null, cap: 1024 * MiB });
    assert.equal(stored.checksum, md5(data));
    await direct.send(new HeadBucketCommand({ Bucket: bucket }));
    assert.ok(on.owns(stored.location));
    assert.ok(!store.owns(stored.location), 'another bucket is another store');
  });

  test('configuration mistakes stop start-up, naming the section and the key', async () => {
    const cases: [Partial<S3BackendConfig>, RegExp][] = [
      [{ host: '' }, /^\[ceph\] s3_store_host: /],
      [{ bucket: '' }, /^\[ceph\] s3_store_bucket: /],
      [{ accessKey: '' }, /^\[ceph\] s3_store_access_key: /],
      [{ largeObjectChunkSize: 4 }, /^\[ceph\] s3_store_large_object_chunk_size: must be at least 5 MB/],
      [{ threadPools: 0 }, /^\[ceph\] s3_store_thread_pools: /],
      [{ bucketUrlFormat: 'virtual', bucket: 'Not_A_DNS_Name' }, /^\[ceph\] s3_store_bucket_url_format: /],
      [{ cacert: path.join(tmp, 'missing.pem') }, /^\[ceph\] s3_store_cacert: /],
    ];
    for (const [over, message] of cases) {
      const err = await rejects(storeWith(over).verify(), StoreConfigError);
      assert.match(err.message, message);
    }
  });

  test('owns: our scheme, host and bucket; a Glance-written URI with credentials too', () => {
    const service = ENDPOINT.replace(/^http:\/\//, '');
    const id = randomUUID();
    assert.ok(store.owns(`s3://${service}/${BUCKET}/${id}`));
    assert.ok(store.owns(`s3+http://${service}/${BUCKET}/${id}`));
    assert.ok(store.owns(`s3://${ACCESS}:${SECRET}@${service}/${BUCKET}/${id}`));
    assert.ok(!store.owns(`s3+https://${service}/${BUCKET}/${id}`));
    assert.ok(!store.owns(`s3://${service}/other-bucket/${id}`));
    assert.ok(!store.owns(`s3://other-host:80/${BUCKET}/${id}`));
    assert.ok(!store.owns(`file:///var/lib/glance/images/${id}`));
  });

  test('properties as Glance reports an s3 store: sizes in bytes, no secrets', () => {
    assert.deepEqual(store.properties(), {
      s3_store_large_object_size: 100 * MiB,
      s3_store_large_object_chunk_size: 5 * MiB,
      s3_store_thread_pools: 3,
    });
  });
});

describe('deletes', () => {
  test('detach checks, purge deletes; then the data is gone and a second delete finds nothing', async () => {
    const id = randomUUID();
    const stored = await store.add(id, chunksOf(randomBytes(1000)), { expectedSize: 1000, cap: MiB });
    // The same object under the URI Glance would have written: credentials ignored, never used.
    const glanceWritten = stored.location.replace('s3://', `s3://${ACCESS}:wrong-${SECRET}@`);
    assert.ok(store.owns(glanceWritten));
    assert.equal(await store.readable(glanceWritten), true);
    const d = await store.detach(stored.location, id);
    assert.deepEqual(d, { location: stored.location, aside: null });
    assert.equal(await store.readable(stored.location), true, 'detach only checks');
    await store.reattach(d!);
    assert.deepEqual(await leftovers(id), { objects: 1, uploads: 0 });
    await store.purge(d!);
    assert.deepEqual(await leftovers(id), NOTHING);
    assert.equal(await store.readable(stored.location), false);
    assert.equal(await store.detach(stored.location, id), null);
    await store.remove(stored.location); // already gone: no error
    assert.deepEqual(await store.detachedData(), []);
  });

  test('removePartial aborts the multipart uploads of that image only; removeUnrecorded also its object', async () => {
    const id = randomUUID();
    const neighbour = `${id}-x`; // same prefix, another key
    for (const key of [id, id, neighbour]) await direct.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: key }));
    await store.removePartial(id);
    assert.deepEqual(await leftovers(id), NOTHING);
    assert.deepEqual(await leftovers(neighbour), { objects: 0, uploads: 1 });
    await abortMultipartUploads(direct, BUCKET, neighbour);

    await direct.send(new PutObjectCommand({ Bucket: BUCKET, Key: id, Body: 'crashed before the commit' }));
    await direct.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: id }));
    await store.removeUnrecorded(id);
    assert.deepEqual(await leftovers(id), NOTHING);
  });
});

test('nothing the driver logged or threw above shows a key', () => {
  assert.ok(seenErrors.length >= 15);
  const texts = [
    ...logged,
    ...seenErrors.map((e) => `${(e as Error).message} ${(e as Error).stack} ${JSON.stringify(e)}`),
  ];
  for (const text of texts) {
    assert.ok(!text.includes(SECRET), 'the secret key shows in a log line or error');
    assert.ok(!text.includes(ACCESS), 'the access key shows in a log line or error');
  }
});
