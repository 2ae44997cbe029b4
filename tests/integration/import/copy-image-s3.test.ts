// copy-image across drivers, on the suite's real Ceph RGW: a file store
// `fast` (the default) and an S3 store `ceph`. A copy from the file store
// into the bucket and one from the bucket back to disk keep the bytes and
// digests, and each copy serves downloads once the other is deleted. A copy
// whose source no longer matches the image's hash, and one into an
// unreachable S3 store, leave no object and no open multipart upload; the
// image stays active throughout.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { startServer, removeDir, freePort, type TestServer } from '../../helpers/server';
import { client } from '../../helpers/http';
import { md5, sha512, waitFor } from '../../helpers/data';
import { deleteBucketDeep, freshBucket, listMultipartUploads, listObjects, testS3 } from '../../helpers/s3';

let server: TestServer;
let bucket: string;
let fastDir: string;
const s3 = testS3();
const admin = () => client(server.url, {
  'X-Identity-Status': 'Confirmed', 'X-Project-Id': 'admin-project', 'X-User-Id': 'admin-user', 'X-Roles': 'admin,member,reader', Accept: '*/*',
});
const OCTETS = { 'Content-Type': 'application/octet-stream' };
const copy = (stores: string[], extra: object = {}) => ({ method: { name: 'copy-image' }, stores, ...extra });

before(async () => {
  bucket = await freshBucket('copy');
  const deadPort = await freePort();
  server = await startServer({
    flavor: 'trusted-headers',
    storeConfig: (dir) => {
      fastDir = path.join(dir, 'fast');
      mkdirSync(fastDir, { recursive: true });
      mkdirSync(path.join(dir, 'staging'), { recursive: true });
      const s3Keys = (host: string, b: string) => [
        `s3_store_host = ${host}`, `s3_store_access_key = ${s3.accessKey}`, `s3_store_secret_key = ${s3.secretKey}`,
        `s3_store_region_name = ${s3.region}`, `s3_store_bucket = ${b}`, 's3_store_bucket_url_format = path',
        's3_store_large_object_size = 5', 's3_store_large_object_chunk_size = 5', 's3_store_thread_pools = 2',
      ];
      return [
        'default_backend = fast',
        '[DEFAULT]',
        'enabled_backends = fast:file, ceph:s3, dead:s3',
        `node_staging_uri = file://${path.join(dir, 'staging')}`,
        '[fast]', `filesystem_store_datadir = ${fastDir}`,
        '[ceph]', ...s3Keys(s3.endpoint, bucket),
        '[dead]', ...s3Keys(`http://127.0.0.1:${deadPort}`, 'nowhere'),
      ].join('\n');
    },
  });
});

after(async () => {
  await server?.stop();
  if (server) removeDir(server.dir);
  if (bucket) await deleteBucketDeep(bucket);
});

/** The image once no import task of it is pending or running. */
async function settled(id: string) {
  const api = admin();
  return waitFor(`image ${id}'s copy to end`, async () => {
    const img = (await api.get(`/v2/images/${id}`)).json;
    if ('os_glance_import_task' in img) return undefined;
    const tasks = (await api.get(`/v2/images/${id}/tasks`)).json.tasks as { status: string }[];
    return tasks.some((t) => t.status === 'pending' || t.status === 'processing') ? undefined : img;
  });
}

async function inBucket(id: string) {
  return (await listObjects(bucket)).filter((o) => o.key.includes(id));
}

async function noMultipartLeft(id: string): Promise<void> {
  assert.deepEqual((await listMultipartUploads(bucket)).filter((u) => u.key.includes(id)), [], 'no multipart upload is left open');
}

async function downloaded(id: string): Promise<Buffer> {
  const r = await fetch(`${server.url}/v2/images/${id}/file`, { headers: { 'X-Identity-Status': 'Confirmed', 'X-Project-Id': 'admin-project', 'X-Roles': 'admin' } });
  assert.equal(r.status, 200);
  return Buffer.from(await r.arrayBuffer());
}

test('file store -> S3 (multipart) and back: same bytes and digests, each copy serves once the other is deleted', async () => {
  const api = admin();
  const data = randomBytes(12 * 1048576 + 5); // three 5 MiB parts
  const img = await api.createWithData(data, { name: 'to-ceph', disk_format: 'raw', container_format: 'bare' });
  assert.equal(img.stores, 'fast');
  assert.equal((await api.post(`/v2/images/${img.id}/import`, copy(['ceph']))).status, 202);
  const copied = await settled(img.id);
  assert.equal(copied.status, 'active');
  assert.equal(copied.stores, 'fast,ceph');
  assert.equal(copied.os_glance_failed_import, '');
  assert.deepEqual((await inBucket(img.id)).map((o) => o.size), [data.length]);
  await noMultipartLeft(img.id);

  // Only the bucket's copy left: downloads come from S3.
  assert.equal((await api.del(`/v2/stores/fast/${img.id}`)).status, 204);
  assert.equal(existsSync(path.join(fastDir, img.id)), false);
  assert.equal(md5(await downloaded(img.id)), md5(data));

  // And back to disk from the bucket.
  assert.equal((await api.post(`/v2/images/${img.id}/import`, copy(['fast']))).status, 202);
  const back = await settled(img.id);
  assert.equal(back.stores, 'ceph,fast');
  assert.equal(back.checksum, md5(data));
  assert.equal(back.os_hash_value, sha512(data));
  assert.ok(readFileSync(path.join(fastDir, img.id)).equals(data), 'the file store holds the same bytes');
});

test('a source that no longer matches its hash, or an unreachable S3 store: the copy fails, nothing is left in a bucket', async () => {
  const api = admin();
  const data = randomBytes(7 * 1048576);
  const corrupt = await api.createWithData(data, { name: 'corrupt', disk_format: 'raw', container_format: 'bare' });
  const file = path.join(fastDir, corrupt.id);
  const bytes = readFileSync(file);
  bytes[6 * 1048576] ^= 0xff; // in the second part: the first is already uploaded when the mismatch shows
  writeFileSync(file, bytes);
  assert.equal((await api.post(`/v2/images/${corrupt.id}/import`, copy(['ceph']))).status, 202);
  const failed = await settled(corrupt.id);
  assert.equal(failed.status, 'active');
  assert.equal(failed.stores, 'fast');
  assert.equal(failed.os_glance_failed_import, 'ceph');
  const [task] = (await api.get(`/v2/images/${corrupt.id}/tasks`)).json.tasks;
  assert.equal(task.status, 'failure');
  assert.equal(task.message, 'os_hash_value of uploaded data is different from current value set on the image.');
  assert.deepEqual(await inBucket(corrupt.id), []);
  await noMultipartLeft(corrupt.id);

  const healthy = await api.createWithData(data, { name: 'unreachable', disk_format: 'raw', container_format: 'bare' });
  assert.equal((await api.post(`/v2/images/${healthy.id}/import`, copy(['ceph', 'dead'], { all_stores_must_succeed: true }))).status, 202);
  const refused = await settled(healthy.id);
  assert.equal(refused.status, 'active');
  assert.equal(refused.stores, 'fast', 'the copy made in ceph is removed when dead fails');
  assert.equal(refused.os_glance_failed_import, 'dead');
  assert.deepEqual(await inBucket(healthy.id), []);
  await noMultipartLeft(healthy.id);
  assert.equal(md5(await downloaded(healthy.id)), md5(data), 'still served from the file store');
});
