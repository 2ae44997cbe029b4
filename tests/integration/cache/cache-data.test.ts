// Downloads through the node's image cache: the first whole download fills
// it (verified, renamed into place), later ones are hits served from the local
// file (with Range) even when the store is gone; LRU pruning to
// image_cache_max_size; a hang-up or a mismatch leaves no entry and no file;
// deleted, deactivated and changed images leave the cache.
import { after, before, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { removeDir, type TestServer } from '../../helpers/server';
import { md5, RawRequest, waitFor } from '../../helpers/data';
import { cacheServer, cacheState, filesUnder, identity, waitForCached, type Client } from './helpers';

const MiB = 1024 ** 2;
let server: TestServer;
let admin: Client;
let cacheDir: (...p: string[]) => string;
const ADMIN = identity('admin-project', 'admin');

before(async () => {
  // Room for two 16 MiB images, not three.
  ({ server, admin, cacheDir } = await cacheServer(40 * MiB));
});

after(async () => {
  await server?.stop();
  if (server) removeDir(server.dir);
});

beforeEach(async () => {
  assert.equal((await admin.del('/v2/cache')).status, 204);
});

async function newImage(size: number) {
  const data = randomBytes(size);
  const img = await admin.createWithData(data, { disk_format: 'raw', container_format: 'bare' });
  return { id: img.id as string, data };
}

async function download(id: string, range?: string) {
  const res = await fetch(`${server.url}/v2/images/${id}/file`, { headers: { ...ADMIN, ...(range ? { Range: range } : {}) } });
  return { res, body: Buffer.from(await res.arrayBuffer()) };
}

const storeFile = (id: string) => path.join(server.dir, 'images', id);

test('first download fills the cache (no hit), the next ones are hits; Range is served from the cache', async () => {
  const { id, data } = await newImage(3 * MiB);
  const first = await download(id);
  assert.equal(first.res.status, 200);
  assert.ok(first.body.equals(data));
  let state = await cacheState(admin);
  assert.deepEqual(state.cached, [id]);
  assert.equal(state.entries[id].hits, 0);
  assert.equal(state.entries[id].size, data.length);
  assert.deepEqual(filesUnder(cacheDir('incomplete')), []);

  const second = await download(id);
  assert.equal(second.res.headers.get('content-md5'), md5(data));
  assert.ok(second.body.equals(data));
  const part = await download(id, 'bytes=1000-2999');
  assert.equal(part.res.status, 206);
  assert.equal(part.res.headers.get('content-range'), `bytes 1000-2999/${data.length}`);
  assert.ok(part.body.equals(data.subarray(1000, 3000)));
  state = await cacheState(admin);
  assert.equal(state.entries[id].hits, 2);
  assert.ok(state.entries[id].last_accessed >= state.entries[id].last_modified);

  // A ranged download of an uncached image does not fill the cache.
  const other = await newImage(MiB);
  assert.ok((await download(other.id, 'bytes=0-99')).body.equals(other.data.subarray(0, 100)));
  assert.deepEqual((await cacheState(admin)).cached, [id]);
});

test('served from the cache while the store is unreachable (its directory gone); an uncached image is not', async () => {
  const cached = await newImage(2 * MiB);
  const uncached = await newImage(MiB);
  await download(cached.id);
  const store = path.join(server.dir, 'images');
  renameSync(store, `${store}.away`);
  try {
    const whole = await download(cached.id);
    assert.equal(whole.res.status, 200);
    assert.ok(whole.body.equals(cached.data));
    const part = await download(cached.id, 'bytes=-10');
    assert.ok(part.body.equals(cached.data.subarray(-10)));
    const miss = await download(uncached.id);
    assert.notEqual(miss.res.status, 200, 'an uncached image needs the store');
  } finally {
    renameSync(`${store}.away`, store);
  }
});

test('prune: over image_cache_max_size the least recently accessed image goes first', async () => {
  const a = await newImage(16 * MiB);
  const b = await newImage(16 * MiB);
  const c = await newImage(16 * MiB);
  await download(a.id);
  await download(b.id);
  await new Promise((r) => setTimeout(r, 20));
  await download(a.id); // a is now more recent than b
  await download(c.id);
  const state = await cacheState(admin);
  assert.deepEqual(state.cached, [a.id, c.id].sort());
  assert.ok(!existsSync(cacheDir(b.id)), 'the pruned file is removed');
});

test('a client hanging up mid-download leaves no entry and no file; the next download is whole and fills the cache', async () => {
  // Larger than what loopback socket buffers hold, so the server is stuck mid-image when the client stops reading.
  const { id, data } = await newImage(36 * MiB);
  const raw = new RawRequest(server.port, `GET /v2/images/${id}/file HTTP/1.1\nHost: 127.0.0.1\nX-Identity-Status: Confirmed\nX-Project-Id: admin-project\nX-Roles: admin\n`);
  await waitFor('the first bytes of the download', async () => (raw.text().length > 65536 ? true : undefined));
  raw.socket.pause();
  assert.match(raw.text(), /^HTTP\/1\.1 200 /);
  const incomplete = cacheDir('incomplete', id);
  let last = -1;
  const stalled = await waitFor('the fill to stall', async () => {
    const size = statSync(incomplete).size;
    if (size === last) return size;
    last = size;
    await new Promise((r) => setTimeout(r, 300));
    return undefined;
  });
  assert.ok(stalled < data.length, `stalled at ${stalled} of ${data.length} bytes`);
  raw.destroy();
  await waitFor('the incomplete file to be removed', async () => (filesUnder(cacheDir('incomplete')).length === 0 ? true : undefined));
  assert.deepEqual((await cacheState(admin)).cached, []);
  assert.ok(!existsSync(cacheDir(id)));

  const whole = await download(id);
  assert.ok(whole.body.equals(data));
  assert.deepEqual((await cacheState(admin)).cached, [id]);
});

test('data that does not match the image checksum is never cached', async () => {
  const { id, data } = await newImage(MiB);
  writeFileSync(storeFile(id), randomBytes(data.length)); // same size, other bytes
  const served = await download(id);
  assert.equal(served.body.length, data.length);
  assert.ok(!served.body.equals(data), 'the store gives other bytes');
  assert.deepEqual((await cacheState(admin)).cached, []);
  assert.deepEqual(filesUnder(cacheDir('incomplete')), []);
  assert.ok(!existsSync(cacheDir(id)));
});

test('deleting or deactivating an image removes its entry; its data changing too', async () => {
  const gone = await newImage(MiB);
  const off = await newImage(MiB);
  const changed = await newImage(MiB);
  for (const i of [gone, off, changed]) await download(i.id);
  assert.equal((await cacheState(admin)).cached.length, 3);

  assert.equal((await admin.del(`/v2/images/${gone.id}`)).status, 204);
  assert.equal((await admin.post(`/v2/images/${off.id}/actions/deactivate`)).status, 204);
  await server.query('UPDATE images SET checksum = ? WHERE id = ?', ['0'.repeat(32), changed.id]);
  assert.deepEqual((await cacheState(admin)).cached, []);
  for (const i of [gone, off, changed]) assert.ok(!existsSync(cacheDir(i.id)), 'its file is removed');

  // A deactivated image's entry goes at download time too, and is not served or refilled.
  const again = await newImage(MiB);
  await download(again.id);
  await admin.post(`/v2/images/${again.id}/actions/deactivate`);
  const admins = await download(again.id);
  assert.ok(admins.body.equals(again.data), 'an admin still gets it, from the store');
  assert.ok(!existsSync(cacheDir(again.id)));
});

test('the prefetcher waits out an unreachable store: the image stays queued and is fetched once reachable', async () => {
  const { id, data } = await newImage(MiB);
  const store = path.join(server.dir, 'images');
  renameSync(store, `${store}.away`);
  try {
    assert.equal((await admin.put(`/v2/cache/${id}`)).status, 202);
    await new Promise((r) => setTimeout(r, 500));
    assert.deepEqual((await cacheState(admin)).queued, [id]);
  } finally {
    renameSync(`${store}.away`, store);
  }
  await admin.put(`/v2/cache/${id}`); // queued again: a round now
  await waitForCached(admin, id);
  assert.deepEqual((await cacheState(admin)).queued, []);
  assert.ok((await download(id)).body.equals(data));
});
