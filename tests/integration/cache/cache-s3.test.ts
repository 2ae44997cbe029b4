// The cache in front of the S3 store (the suite's Ceph RGW behind a TCP relay
// that can be cut): a cached image downloads whole and by Range while S3 is
// unreachable, an uncached one gets the store's 503, and the prefetcher keeps
// a queued image queued until S3 is back, then fetches it.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { removeDir, type TestServer } from '../../helpers/server';
import { deleteBucketDeep, freshBucket, s3StoreLines, testS3 } from '../../helpers/s3';
import { TcpRelay } from '../../helpers/tcp-relay';
import { cacheServer, cacheState, identity, waitForCached, type Client } from './helpers';

const MiB = 1024 ** 2;
const s3 = testS3();
let server: TestServer;
let admin: Client;
let bucket: string;
let relay: TcpRelay;

before(async () => {
  bucket = await freshBucket('cache');
  const target = new URL(s3.endpoint);
  relay = await new TcpRelay({ host: target.hostname, port: Number(target.port) }).start();
  ({ server, admin } = await cacheServer(256 * MiB, {
    storeConfig: () => [
      'default_backend = ceph',
      '[DEFAULT]',
      'enabled_backends = ceph:s3',
      '[ceph]',
      ...s3StoreLines(bucket, relay.url),
      's3_store_large_object_chunk_size = 5',
    ].join('\n'),
  }));
});

after(async () => {
  await server?.stop();
  if (server) removeDir(server.dir);
  await relay?.stop();
  if (bucket) await deleteBucketDeep(bucket);
});

async function download(id: string, range?: string) {
  const res = await fetch(`${server.url}/v2/images/${id}/file`, { headers: { ...identity('admin-project', 'admin'), ...(range ? { Range: range } : {}) } });
  return { res, body: Buffer.from(await res.arrayBuffer()) };
}

test('S3 unreachable: a cached image is served from the cache, whole and by Range; an uncached one is 503', async () => {
  const data = randomBytes(12 * MiB);
  const cached = await admin.createWithData(data, { disk_format: 'raw', container_format: 'bare' });
  const other = await admin.createWithData(randomBytes(MiB), { disk_format: 'raw', container_format: 'bare' });
  assert.ok((await download(cached.id)).body.equals(data), 'first download, from S3');
  assert.deepEqual((await cacheState(admin)).cached, [cached.id]);

  await relay.cut();
  try {
    const whole = await download(cached.id);
    assert.equal(whole.res.status, 200);
    assert.ok(whole.body.equals(data));
    const part = await download(cached.id, `bytes=${6 * MiB}-`);
    assert.equal(part.res.status, 206);
    assert.ok(part.body.equals(data.subarray(6 * MiB)));
    assert.equal((await cacheState(admin)).entries[cached.id].hits, 2);
    assert.equal((await download(other.id)).res.status, 503);

    // Queued while S3 is down: it stays queued.
    assert.equal((await admin.put(`/v2/cache/${other.id}`)).status, 202);
    await new Promise((r) => setTimeout(r, 2000));
    assert.deepEqual((await cacheState(admin)).queued, [other.id]);
  } finally {
    await relay.restore();
  }
  await admin.put(`/v2/cache/${other.id}`); // a round now
  await waitForCached(admin, other.id);
  assert.deepEqual((await cacheState(admin)).queued, []);
});
