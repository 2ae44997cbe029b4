// The S3 store through the HTTP API, on the suite's real Ceph RGW: a
// multi-store server whose default store is `ceph` (s3) beside a file store
// `fast`, and a store `dead` pointing at a closed port. Data goes in and
// out with exact digests and Range; hang-ups, refused content and an
// unreachable S3 leave no object and no open multipart upload, and the
// image back in queued; other stores keep serving; credentials are never shown.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { startServer, removeDir, freePort, type TestServer } from '../../helpers/server';
import { client } from '../../helpers/http';
import { md5, sha512, putHead, RawRequest, waitForStatus, events, filesIn } from '../../helpers/data';
import { deleteBucketDeep, freshBucket, listMultipartUploads, listObjects, s3StoreLines, testS3 } from '../../helpers/s3';

let server: TestServer;
let api: ReturnType<typeof client>;
let bucket: string;
let fastDir: string;
const s3 = testS3();

before(async () => {
  bucket = await freshBucket('api');
  const deadPort = await freePort();
  server = await startServer({
    storeConfig: (dir) => {
      fastDir = path.join(dir, 'fast');
      mkdirSync(fastDir, { recursive: true });
      const s3Keys = (host: string, b: string) => [...s3StoreLines(b, host), 's3_store_large_object_chunk_size = 5', 's3_store_thread_pools = 2'];
      return [
        'default_backend = ceph',
        '[DEFAULT]',
        'enabled_backends = fast:file, ceph:s3, dead:s3',
        '[fast]', `filesystem_store_datadir = ${fastDir}`,
        '[ceph]', 'store_description = Ceph RGW', ...s3Keys(s3.endpoint, bucket),
        '[dead]', ...s3Keys(`http://127.0.0.1:${deadPort}`, 'nowhere'),
      ].join('\n');
    },
  });
  api = client(server.url);
});

after(async () => {
  await server?.stop();
  if (server) removeDir(server.dir);
  if (bucket) await deleteBucketDeep(bucket);
});

const OCTETS = { 'Content-Type': 'application/octet-stream' };

async function nothingLeftFor(id: string): Promise<void> {
  assert.deepEqual((await listObjects(bucket)).filter((o) => o.key.includes(id)), [], 'no object is left');
  assert.deepEqual((await listMultipartUploads(bucket)).filter((u) => u.key.includes(id)), [], 'no multipart upload is left open');
}

test('upload into the default s3 store: digests, location without credentials, the object in the bucket; Range and whole downloads', async () => {
  const data = randomBytes(12 * 1048576 + 12345); // three parts of 5 MiB
  const img = await api.create({ disk_format: 'raw', container_format: 'bare' });
  const put = await api.put(`/v2/images/${img.id}/file`, data, OCTETS);
  assert.equal(put.status, 204, put.text);
  const shown = (await api.get(`/v2/images/${img.id}`)).json;
  assert.equal(shown.status, 'active');
  assert.equal(shown.size, data.byteLength);
  assert.equal(shown.checksum, md5(data));
  assert.equal(shown.os_hash_value, sha512(data));
  assert.equal(shown.stores, 'ceph');

  const objects = await listObjects(bucket);
  assert.deepEqual(objects.filter((o) => o.key.includes(img.id)).map((o) => o.size), [data.byteLength]);
  const [loc] = await server.query<{ value: string; meta_data: string }>('SELECT value, meta_data FROM image_locations WHERE image_id = ?', [img.id]);
  const host = new URL(s3.endpoint).host;
  // glance_store's form for an http endpoint (s3+https:// for https), without its access:secret@.
  assert.equal(loc.value, `s3://${host}/${bucket}/${img.id}`);
  assert.equal(loc.meta_data, '{"store": "ceph"}');
  for (const secret of [s3.accessKey, s3.secretKey]) {
    assert.ok(!JSON.stringify(shown).includes(secret));
    assert.ok(!server.output().includes(secret), 'no credential in the server log');
  }

  const whole = await fetch(`${server.url}/v2/images/${img.id}/file`);
  assert.equal(whole.status, 200);
  assert.equal(md5(Buffer.from(await whole.arrayBuffer())), md5(data));
  const range = await fetch(`${server.url}/v2/images/${img.id}/file`, { headers: { Range: 'bytes=5242870-5242889' } });
  assert.equal(range.status, 206);
  assert.equal(range.headers.get('content-range'), `bytes 5242870-5242889/${data.byteLength}`);
  assert.deepEqual(Buffer.from(await range.arrayBuffer()), data.subarray(5242870, 5242890));

  assert.equal((await api.del(`/v2/images/${img.id}`)).status, 204);
  await nothingLeftFor(img.id);
});

test('a client hanging up mid-upload leaves no object and no multipart upload, and the image queued', async () => {
  const img = await api.create({ disk_format: 'raw', container_format: 'bare' });
  const size = 30 * 1048576;
  const req = new RawRequest(server.port, putHead(img.id, { 'Content-Length': String(size) }));
  for (let i = 0; i < 12; i++) await req.write(randomBytes(1048576)); // more than two parts sent
  // The multipart upload exists before the hang-up, so its abort is what is tested.
  for (let i = 0; i < 100 && (await listMultipartUploads(bucket)).every((u) => !u.key.includes(img.id)); i++) await new Promise((r) => setTimeout(r, 100));
  req.destroy();
  await waitForStatus(server, img.id, 'queued');
  await nothingLeftFor(img.id);
  const failed = (await events(server, img.id)).filter((e) => e.action === 'upload_failed');
  assert.equal(failed.length, 1);
});

test('content refused by format inspection never becomes an object', async () => {
  const img = await api.create({ disk_format: 'qcow2', container_format: 'bare' });
  const put = await api.put(`/v2/images/${img.id}/file`, randomBytes(6 * 1048576), OCTETS);
  assert.equal(put.status, 415, put.text);
  await waitForStatus(server, img.id, 'queued');
  await nothingLeftFor(img.id);
});

test('an unreachable S3 store: a clear 503, the image back in queued, the other stores keep serving', async () => {
  const img = await api.create({ disk_format: 'raw', container_format: 'bare' });
  const put = await api.put(`/v2/images/${img.id}/file`, randomBytes(1048576), { ...OCTETS, 'X-Image-Meta-Store': 'dead' });
  assert.equal(put.status, 503, put.text);
  assert.match(put.text, /503 Service Unavailable/);
  for (const secret of [s3.accessKey, s3.secretKey]) assert.ok(!put.text.includes(secret));
  await waitForStatus(server, img.id, 'queued');

  const data = randomBytes(2 * 1048576);
  const toFile = await api.put(`/v2/images/${img.id}/file`, data, { ...OCTETS, 'X-Image-Meta-Store': 'fast' });
  assert.equal(toFile.status, 204, toFile.text);
  assert.deepEqual(filesIn(fastDir), [path.join(fastDir, img.id)]);
  const shown = (await api.get(`/v2/images/${img.id}`)).json;
  assert.equal(shown.stores, 'fast');
  assert.equal(shown.checksum, md5(data));
  assert.equal((await api.del(`/v2/images/${img.id}`)).status, 204);
});

test('object removed behind our back: download answers 204 as Glance does for missing data', async () => {
  const data = randomBytes(100_000);
  const img = await api.create({ disk_format: 'raw', container_format: 'bare' });
  assert.equal((await api.put(`/v2/images/${img.id}/file`, data, OCTETS)).status, 204);
  const { DeleteObjectCommand } = await import('@aws-sdk/client-s3');
  const { s3: s3client } = await import('../../helpers/s3');
  await s3client().send(new DeleteObjectCommand({ Bucket: bucket, Key: img.id }));
  const r = await fetch(`${server.url}/v2/images/${img.id}/file`);
  assert.equal(r.status, 204);
  assert.equal((await api.del(`/v2/images/${img.id}`)).status, 204);
});
