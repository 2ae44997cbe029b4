// Glance's cache management API (/v2/cache): every endpoint with its status
// codes and bodies (glance/api/v2/cached_images.py), admin only by Glance's
// cache_list / cache_image / cache_delete rules, the clear targets, the
// prefetcher filling a queued image, and the 404 of a node without a cache.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { startServer, removeDir, type TestServer } from '../../helpers/server';
import { client } from '../../helpers/http';
import { md5 } from '../../helpers/data';
import { assertHtmlError, webobError } from '../../helpers/glance';
import { cacheServer, cacheState, identity, waitForCached, type Client } from './helpers';

let server: TestServer;
let plain: TestServer;
let admin: Client;
let member: Client;
let reader: Client;
let cacheDir: (...p: string[]) => string;

// As Glance 25.1 answers (tests/fixtures/glance-cache-delayed-delete.txt): the rule is named.
const forbidden = (rule: string) => webobError('403 Forbidden', `You are not authorized to complete ${rule} action.`);
const notFound = (id: string) => webobError('404 Not Found', `Image ${id} not found.`);
const data = randomBytes(300_000);
const image = (visibility = 'public') => admin.createWithData(data, { disk_format: 'raw', container_format: 'bare', visibility });

before(async () => {
  [{ server, admin, cacheDir }, plain] = await Promise.all([cacheServer(64 * 1024 ** 2), startServer({ flavor: 'trusted-headers' })]);
  member = client(server.url, identity('demo-project', 'member,reader'));
  reader = client(server.url, identity('demo-project', 'reader'));
});

after(async () => {
  for (const s of [server, plain]) {
    await s?.stop();
    if (s) removeDir(s.dir);
  }
});

test('GET /v2/cache: empty at first, then the cached image with Glance fields; PUT queues (202) and the prefetcher fills it', async () => {
  assert.deepEqual((await admin.get('/v2/cache')).json, { cached_images: [], queued_images: [] });
  const img = await image();
  const put = await admin.put(`/v2/cache/${img.id}`);
  assert.equal(put.status, 202);
  assert.equal(put.text, '');
  await waitForCached(admin, img.id);
  const r = await admin.get('/v2/cache');
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('content-type'), 'application/json');
  assert.deepEqual(r.json.queued_images, [], 'a fetched image leaves the queue');
  const [entry] = r.json.cached_images;
  assert.deepEqual(Object.keys(entry).sort(), ['hits', 'image_id', 'last_accessed', 'last_modified', 'size']);
  assert.equal(entry.image_id, img.id);
  assert.equal(entry.hits, 0);
  assert.equal(entry.size, data.length);
  assert.ok(Math.abs(entry.last_modified - Date.now() / 1000) < 60);
  assert.ok(existsSync(cacheDir(img.id)));

  const down = await fetch(`${server.url}/v2/images/${img.id}/file`, { headers: identity('admin-project', 'admin') });
  assert.equal(md5(Buffer.from(await down.arrayBuffer())), md5(data));
  assert.equal((await cacheState(admin)).entries[img.id].hits, 1, 'a download from the cache is a hit');
});

test('PUT /v2/cache/{id}: unknown image 404 "Image X not found.", a non-active image 400, method not allowed 405', async () => {
  const missing = '6b3b1e0a-7a51-4f11-9a2b-3c2a6a0d0c11';
  assertHtmlError(await admin.put(`/v2/cache/${missing}`), 404, notFound(missing));
  const queued = await admin.create({ disk_format: 'raw', container_format: 'bare' });
  assertHtmlError(await admin.put(`/v2/cache/${queued.id}`), 400,
    webobError('400 Bad Request', 'Only images with status active can be targeted for queueing'));
  const wrong = await admin.post(`/v2/cache/${queued.id}`);
  assert.equal(wrong.status, 405);
  assert.equal(wrong.headers.get('allow'), 'DELETE, PUT');
  assert.deepEqual((await cacheState(admin)).queued, []);
});

test('member and reader: 403 on every endpoint (404 for an image they cannot see); nothing changes', async () => {
  const pub = await image('public');
  const priv = await image('private');
  await admin.put(`/v2/cache/${pub.id}`);
  await waitForCached(admin, pub.id);
  for (const who of [member, reader]) {
    assertHtmlError(await who.get('/v2/cache'), 403, forbidden('cache_list'));
    assertHtmlError(await who.put(`/v2/cache/${pub.id}`), 403, forbidden('cache_image'));
    assertHtmlError(await who.put(`/v2/cache/${priv.id}`), 404, notFound(priv.id));
    assertHtmlError(await who.del(`/v2/cache/${pub.id}`), 403, forbidden('cache_delete'));
    assertHtmlError(await who.del('/v2/cache'), 403, forbidden('cache_delete'));
  }
  assert.ok((await cacheState(admin)).cached.includes(pub.id), 'still cached');
});

test('DELETE /v2/cache/{id}: 204, out of cache and queue; unknown image 404; a deleted image still in the cache can be removed', async () => {
  const img = await image();
  await admin.put(`/v2/cache/${img.id}`);
  await waitForCached(admin, img.id);
  const del = await admin.del(`/v2/cache/${img.id}`);
  assert.equal(del.status, 204);
  assert.ok(!(await cacheState(admin)).cached.includes(img.id));
  assert.ok(!existsSync(cacheDir(img.id)), 'the file is gone');
  const missing = 'a0b9d0b2-1c4e-4f11-9a2b-3c2a6a0d0c12';
  assertHtmlError(await admin.del(`/v2/cache/${missing}`), 404, notFound(missing));
});

test('DELETE /v2/cache: x-image-cache-clear-target cache (cached) / queue / empty (both), 204; any other value 400', async () => {
  await admin.del('/v2/cache');
  const cached = await image();
  await admin.put(`/v2/cache/${cached.id}`);
  await waitForCached(admin, cached.id);
  // A queued id the prefetcher cannot fetch (its store file is gone) stays queued.
  const stuck = await image();
  await server.query('UPDATE image_locations SET value = ? WHERE image_id = ?', [`file://${cacheDir('..', 'nowhere', stuck.id)}`, stuck.id]);
  assert.equal((await admin.put(`/v2/cache/${stuck.id}`)).status, 202);

  const bad = await admin.del('/v2/cache', { 'x-image-cache-clear-target': 'everything' });
  assertHtmlError(bad, 400, webobError('400 Bad Request', "If provided &#x27;x-image-cache-clear-target&#x27; must be &#x27;cache&#x27;, &#x27;queue&#x27; or empty string."));

  assert.equal((await admin.del('/v2/cache', { 'x-image-cache-clear-target': 'queue' })).status, 204);
  let state = await cacheState(admin);
  assert.deepEqual([state.cached, state.queued], [[cached.id], []]);
  await admin.put(`/v2/cache/${stuck.id}`);
  assert.equal((await admin.del('/v2/cache', { 'x-image-cache-clear-target': 'CACHE' })).status, 204);
  state = await cacheState(admin);
  assert.deepEqual([state.cached, state.queued], [[], [stuck.id]]);
  await admin.put(`/v2/cache/${cached.id}`);
  await waitForCached(admin, cached.id);
  const both = await admin.del('/v2/cache');
  assert.equal(both.status, 204);
  state = await cacheState(admin);
  assert.deepEqual([state.cached, state.queued], [[], []]);

  // The spellings of the issue that asked for the cache: cached = cache, both = empty.
  await admin.put(`/v2/cache/${cached.id}`);
  await waitForCached(admin, cached.id);
  await admin.put(`/v2/cache/${stuck.id}`);
  assert.equal((await admin.del('/v2/cache', { 'x-image-cache-clear-target': 'cached' })).status, 204);
  state = await cacheState(admin);
  assert.deepEqual([state.cached, state.queued], [[], [stuck.id]]);
  await admin.put(`/v2/cache/${cached.id}`);
  await waitForCached(admin, cached.id);
  assert.equal((await admin.del('/v2/cache', { 'x-image-cache-clear-target': 'both' })).status, 204);
  state = await cacheState(admin);
  assert.deepEqual([state.cached, state.queued], [[], []]);
});

test('a node without image_cache_dir: 404 "Caching via API is not supported at this site." (after the policy check)', async () => {
  const off = client(plain.url, identity('admin-project', 'admin'));
  const body = webobError('404 Not Found', 'Caching via API is not supported at this site.');
  assertHtmlError(await off.get('/v2/cache'), 404, body);
  assertHtmlError(await off.del('/v2/cache'), 404, body);
  const img = await off.createWithData(data, { disk_format: 'raw', container_format: 'bare', visibility: 'public' });
  assertHtmlError(await off.put(`/v2/cache/${img.id}`), 404, body);
  assertHtmlError(await client(plain.url, identity('demo-project', 'member')).get('/v2/cache'), 403, forbidden('cache_list'));
});
