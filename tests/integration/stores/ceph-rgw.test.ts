// The test harness's own check: the private Ceph RGW that `npm test` starts
// answers S3 as the S3 store tests need it to — put and get (also from a
// stream), a multipart upload of a stream of unknown length (lib-storage, as
// the store uploads), and an aborted multipart upload leaves nothing behind.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { waitFor } from '../../helpers/data';
import { deleteBucketDeep, freshBucket, listMultipartUploads, listObjects, s3 } from '../../helpers/s3';

const MiB = 1024 * 1024;
let bucket: string;

before(async () => {
  bucket = await freshBucket('harness');
});

after(async () => {
  if (bucket) await deleteBucketDeep(bucket);
  s3().destroy();
});

/**
 * `total` bytes of pseudo-random data in 1 MiB chunks, from a stream with no known length; md5 of what it sent.
 * stall: after `total` bytes the stream neither ends nor sends more.
 */
function randomStream(total: number, opts: { stall?: boolean } = {}): { stream: Readable; md5: () => string } {
  const hash = createHash('md5');
  const chunk = randomBytes(MiB);
  let sent = 0;
  const stream = new Readable({
    read() {
      if (sent >= total) return void (opts.stall ? undefined : this.push(null));
      const n = Math.min(MiB, total - sent);
      // A different chunk each time (first bytes vary), so misplaced parts would change the digest.
      const piece = Buffer.from(chunk.subarray(0, n));
      piece.writeUInt32BE(sent / MiB, 0);
      sent += n;
      hash.update(piece);
      this.push(piece);
    },
  });
  return { stream, md5: () => hash.digest('hex') };
}

async function md5Of(key: string): Promise<{ md5: string; size: number }> {
  const got = await s3().send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  const hash = createHash('md5');
  let size = 0;
  for await (const c of got.Body as Readable) {
    hash.update(c);
    size += c.length;
  }
  return { md5: hash.digest('hex'), size };
}

test('put and get an object', async () => {
  const body = randomBytes(100_000);
  await s3().send(new PutObjectCommand({ Bucket: bucket, Key: 'small', Body: body }));
  const got = await md5Of('small');
  assert.deepEqual(got, { md5: createHash('md5').update(body).digest('hex'), size: body.length });
  assert.deepEqual(await listObjects(bucket), [{ key: 'small', size: body.length }]);
});

test('put from a stream of known length (the client sends no aws-chunked trailer)', async () => {
  const { stream, md5 } = randomStream(3 * MiB);
  await s3().send(new PutObjectCommand({ Bucket: bucket, Key: 'streamed', Body: stream, ContentLength: 3 * MiB }));
  assert.deepEqual(await md5Of('streamed'), { md5: md5(), size: 3 * MiB });
});

test('a multipart upload of ~50 MiB from a stream of unknown length', async () => {
  const total = 50 * MiB + 12_345; // not a multiple of the part size: the last part is short
  const { stream, md5 } = randomStream(total);
  const upload = new Upload({ client: s3(), params: { Bucket: bucket, Key: 'large', Body: stream }, partSize: 8 * MiB, queueSize: 2 });
  const parts = new Set<number>();
  upload.on('httpUploadProgress', (p) => { if (p.part) parts.add(p.part); });
  await upload.done();
  assert.equal(parts.size, 7, 'seven parts of 8 MiB: a real multipart upload');
  const head = await s3().send(new HeadObjectCommand({ Bucket: bucket, Key: 'large' }));
  assert.equal(head.ContentLength, total);
  assert.match(head.ETag ?? '', /-7"$/, 'a multipart ETag names its part count');
  assert.deepEqual(await md5Of('large'), { md5: md5(), size: total });
  assert.deepEqual(await listMultipartUploads(bucket), []);
});

test('an aborted multipart upload leaves no upload and no object', async () => {
  // 12 MiB, then the source stalls (a client gone quiet): the upload can only end by the abort.
  const { stream } = randomStream(12 * MiB, { stall: true });
  const upload = new Upload({ client: s3(), params: { Bucket: bucket, Key: 'aborted', Body: stream }, partSize: 5 * MiB, queueSize: 1 });
  let partsDone = 0;
  upload.on('httpUploadProgress', (p) => { if (p.part) partsDone++; });
  const done = upload.done();
  await waitFor('two parts to be uploaded', async () => (partsDone >= 2 ? true : undefined));
  assert.deepEqual((await listMultipartUploads(bucket)).map((u) => u.key), ['aborted'], 'the gateway lists the open upload');
  await upload.abort();
  // done() rejects at once, but lib-storage sends AbortMultipartUpload only when its reader gets
  // past the stalled source: ending the source is what lets it clean up.
  stream.destroy();
  await assert.rejects(done, (err: Error) => err.name === 'AbortError');
  await waitFor('the aborted upload to go', async () => ((await listMultipartUploads(bucket)).length === 0 ? true : undefined));
  assert.deepEqual((await listObjects(bucket)).map((o) => o.key).sort(), ['large', 'small', 'streamed']);
});
