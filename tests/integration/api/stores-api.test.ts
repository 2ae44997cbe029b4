// Glance's store API with three file stores (enabled_backends = fast, slow,
// cold): discovery, the image's `stores`, X-Image-Meta-Store on upload,
// OpenStack-image-store-ids, DELETE /v2/stores/{store}/{image}; and the same
// URLs in single-store mode. Expected bodies, codes and headers are real
// Glance 25.1's, recorded with tests/fixtures/glance-multi-store.txt's setup
// (secure RBAC on, trusted headers).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { startServer, removeDir, type TestServer } from '../../helpers/server';
import { client, type Reply } from '../../helpers/http';
import { assertHtmlError, NOT_FOUND, pyDumps, webobError, webobPage } from '../../helpers/glance';
import { filesIn, md5 } from '../../helpers/data';

let multi: TestServer;
let single: TestServer;
const identity = (project: string, roles: string) => ({
  'X-Identity-Status': 'Confirmed', 'X-Project-Id': project, 'X-User-Id': `${project}-${roles.split(',')[0]}`, 'X-Roles': roles,
});
let admin: ReturnType<typeof client>;
let member: ReturnType<typeof client>;
let reader: ReturnType<typeof client>;
let other: ReturnType<typeof client>;
const dirOf = (store: string) => path.join(multi.dir, store);

before(async () => {
  const started = await Promise.all([
    startServer({
      flavor: 'trusted-headers',
      storeConfig: (dir) => {
        for (const s of ['fast', 'slow', 'cold']) mkdirSync(path.join(dir, s));
        return [
          'default_backend = fast',
          '[DEFAULT]',
          'enabled_backends = fast:file, slow:file, cold:file',
          '[fast]', `filesystem_store_datadir = ${path.join(dir, 'fast')}`, 'store_description = Fast local disk', 'weight = 100',
          '[slow]', `filesystem_store_datadir = ${path.join(dir, 'slow')}`, 'store_description = Slow archive', 'weight = 50',
          '[cold]', `filesystem_store_datadir = ${path.join(dir, 'cold')}`,
        ].join('\n');
      },
    }),
    startServer({ flavor: 'trusted-headers' }),
  ]);
  [multi, single] = started;
  admin = client(multi.url, identity('admin-project', 'admin,member,reader'));
  member = client(multi.url, identity('demo-project', 'member,reader'));
  reader = client(multi.url, identity('demo-project', 'reader'));
  other = client(multi.url, identity('alt-project', 'member,reader'));
});

after(async () => {
  for (const s of [multi, single]) await s?.stop();
  for (const s of [multi, single]) if (s) removeDir(s.dir);
});

/** Random bytes (a fresh ArrayBuffer, as fetch's BodyInit wants). */
const bytes = (n: number) => new Uint8Array(randomBytes(n));
const OCTETS = { 'Content-Type': 'application/octet-stream' };

/** An image of `owner`'s with `data` uploaded to `store` (null: no X-Image-Meta-Store). */
async function imageIn(as: ReturnType<typeof client>, store: string | null, data: Uint8Array<ArrayBuffer>, body: object = {}) {
  const img = await as.create({ disk_format: 'raw', container_format: 'bare', ...body });
  const up = await as.put(`/v2/images/${img.id}/file`, data, { ...OCTETS, ...(store ? { 'X-Image-Meta-Store': store } : {}) });
  assert.equal(up.status, 204, up.text);
  return img.id as string;
}

/**
 * A second copy of an image's data in another store, as copy-image import
 * (not built yet) leaves it: the file in that store's directory and a location
 * row naming the store (metaData null: a location from before enabled_backends).
 */
async function copyTo(id: string, from: string, to: string, metaData: string | null = `{"store": "${to}"}`) {
  const file = path.join(dirOf(to), id);
  copyFileSync(path.join(dirOf(from), id), file);
  await multi.query(
    "INSERT INTO image_locations (image_id, value, meta_data, status, deleted, created_at, updated_at) VALUES (?, ?, ?, 'active', 0, NOW(), NOW())",
    [id, `file://${file}`, metaData ?? '{}'],
  );
}

async function liveLocations(server: TestServer, id: string) {
  return server.query<{ value: string; meta_data: string }>('SELECT value, meta_data FROM image_locations WHERE image_id = ? AND deleted = 0 ORDER BY id', [id]);
}

/** The md5 of a download of the image's data (as its owner's member), after checking Glance's Content-MD5. */
async function downloadMd5(id: string): Promise<string> {
  const r = await fetch(`${multi.url}/v2/images/${id}/file`, { headers: identity('demo-project', 'member,reader') });
  assert.equal(r.status, 200);
  const sum = md5(Buffer.from(await r.arrayBuffer()));
  assert.equal(r.headers.get('content-md5'), sum);
  return sum;
}

function assertJson(r: Reply, status: number, text: string): void {
  assert.equal(r.status, status, r.text);
  assert.equal(r.headers.get('content-type'), 'application/json');
  assert.equal(r.text, text);
}

const STORES = { stores: [{ id: 'fast', description: 'Fast local disk', default: 'true' }, { id: 'slow', description: 'Slow archive' }, { id: 'cold' }] };

test('GET /v2/info/stores: the enabled stores in enabled_backends order, to any user', async () => {
  for (const as of [admin, member, reader]) assertJson(await as.get('/v2/info/stores'), 200, pyDumps(STORES));
  assert.equal(Buffer.byteLength(pyDumps(STORES)), 144, 'as Glance\'s Content-Length');
  assertHtmlError(await admin.post('/v2/info/stores', {}), 405, webobPage('405 Method Not Allowed', 'The method POST is not allowed for this resource. <br /><br />\n'));
});

test('GET /v2/info/stores/detail: type, properties (the file store\'s data_dir, chunk_size, thin_provisioning) and weight, admin only', async () => {
  const file = (store: string) => ({ data_dir: dirOf(store), chunk_size: 65536, thin_provisioning: false });
  const detail = {
    stores: [
      { ...STORES.stores[0], type: 'file', properties: file('fast'), weight: 100 },
      { ...STORES.stores[1], type: 'file', properties: file('slow'), weight: 50 },
      { ...STORES.stores[2], type: 'file', properties: file('cold'), weight: 0 },
    ],
  };
  assertJson(await admin.get('/v2/info/stores/detail'), 200, pyDumps(detail));
  // Glance 25.1's answer without `weight` is 498 bytes with its paths; ours adds ", \"weight\": N" per store.
  const refused = webobError('403 Forbidden', 'You are not authorized to complete stores_info_detail action.');
  for (const as of [member, reader, other]) assertHtmlError(await as.get('/v2/info/stores/detail'), 403, refused, 183);
});

test('POST /v2/images announces the store ids (OpenStack-image-store-ids, enabled_backends order); GET does not', async () => {
  const r = await member.post('/v2/images', { name: 'announce' });
  assert.equal(r.status, 201);
  assert.equal(r.headers.get('openstack-image-store-ids'), 'fast,slow,cold');
  // As Glance 25.1 (tests/fixtures/glance-multi-store.txt): copy-image works with several stores.
  assert.equal(r.headers.get('openstack-image-import-methods'), 'glance-direct,web-download,copy-image', 'only the methods that work (issue 12)');
  assert.equal('stores' in r.json, false, 'no data, no stores');
  assert.equal((await member.get(`/v2/images/${r.json.id}`)).headers.get('openstack-image-store-ids'), null);
});

test('X-Image-Meta-Store: the data goes to the store named, the image says so, and downloads come from there', async () => {
  const data = bytes(300_000);
  const id = await imageIn(member, 'slow', data);
  assert.deepEqual(filesIn(dirOf('slow')).filter((f) => f.endsWith(id)), [path.join(dirOf('slow'), id)]);
  assert.equal(existsSync(path.join(dirOf('fast'), id)), false);
  assert.deepEqual(await liveLocations(multi, id), [{ value: `file://${dirOf('slow')}/${id}`, meta_data: '{"store": "slow"}' }]);
  const shown = await member.get(`/v2/images/${id}`);
  assert.equal(shown.json.stores, 'slow');
  assert.equal(Object.keys(shown.json).at(-1), 'stores', 'after schema, as Glance');
  assert.equal(await downloadMd5(id), md5(data));

  // No header: the default store.
  const id2 = await imageIn(member, null, bytes(1000));
  assert.ok(existsSync(path.join(dirOf('fast'), id2)));
  assert.equal((await member.get(`/v2/images/${id2}`)).json.stores, 'fast');
});

test('X-Image-Meta-Store naming no enabled store: Glance\'s 400, checked before the image (even one that does not exist); nothing stored', async () => {
  const img = await member.create({ disk_format: 'raw', container_format: 'bare' });
  const bad = (store: string, accept?: string) =>
    member.put(`/v2/images/${img.id}/file`, bytes(1000), { ...OCTETS, 'X-Image-Meta-Store': store, ...(accept ? { Accept: accept } : {}) });
  assertHtmlError(await bad('nope'), 400, webobError('400 Bad Request', 'Store for identifier nope not found'), 161);
  assertJson(await bad('nope', 'application/json'), 400, pyDumps({ message: 'Store for identifier nope not found<br /><br />\n\n\n', code: '400 Bad Request', title: 'Bad Request' }));
  const plain = await bad('nope', 'text/plain');
  assert.equal(plain.headers.get('content-type'), 'text/plain; charset=UTF-8');
  assert.equal(plain.text, '400 Bad Request\n\nStore for identifier nope not found\n\n   ');
  // Ids are case-sensitive; an empty header names no store.
  assertHtmlError(await bad('FAST'), 400, webobError('400 Bad Request', 'Store for identifier FAST not found'));
  assertHtmlError(await bad(''), 400, webobError('400 Bad Request', 'Store for identifier  not found'));
  const missing = await member.put('/v2/images/11111111-1111-1111-1111-111111111111/file', 'x', { ...OCTETS, 'X-Image-Meta-Store': 'nope' });
  assertHtmlError(missing, 400, webobError('400 Bad Request', 'Store for identifier nope not found'));
  // A reader may not upload, but the store is refused first.
  assertHtmlError(await reader.put(`/v2/images/${img.id}/file`, 'x', { ...OCTETS, 'X-Image-Meta-Store': 'nope' }), 400, webobError('400 Bad Request', 'Store for identifier nope not found'));
  assert.equal((await member.get(`/v2/images/${img.id}`)).json.status, 'queued');
  assert.equal(filesIn(dirOf('fast'), dirOf('slow'), dirOf('cold')).some((f) => f.includes(img.id)), false);
});

test('stores lists every copy in the order the locations were added, in show, list and PATCH; a pre-multi-store location counts by its directory', async () => {
  const id = await imageIn(member, 'slow', bytes(5000), { name: 'two-copies' });
  await copyTo(id, 'slow', 'cold');
  assert.equal((await member.get(`/v2/images/${id}`)).json.stores, 'slow,cold');
  const listed = (await member.get('/v2/images?name=two-copies')).json.images;
  assert.equal(listed[0].stores, 'slow,cold');
  const patched = await member.patch(`/v2/images/${id}`, [{ op: 'add', path: '/os_distro', value: 'cirros' }]);
  assert.equal(patched.json.stores, 'slow,cold');
  assert.equal(Object.keys(patched.json).at(-1), 'stores');

  const legacy = await imageIn(member, 'fast', bytes(5000));
  await copyTo(legacy, 'fast', 'slow', null);
  assert.equal((await member.get(`/v2/images/${legacy}`)).json.stores, 'fast,slow');
});

test('a deactivated image shows its stores only to admins (Glance hides its locations from others)', async () => {
  const id = await imageIn(member, 'cold', bytes(2000), { name: 'deactivated-stores' });
  assert.equal((await admin.post(`/v2/images/${id}/actions/deactivate`)).status, 204);
  assert.equal('stores' in (await member.get(`/v2/images/${id}`)).json, false);
  assert.equal('stores' in (await member.get('/v2/images?name=deactivated-stores')).json.images[0], false);
  assert.equal((await admin.get(`/v2/images/${id}`)).json.stores, 'cold');
  assert.equal((await admin.get('/v2/images?name=deactivated-stores')).json.images[0].stores, 'cold');
});

test('DELETE /v2/stores/{store}/{image}: store, image, policy, status and copy checks, each with Glance\'s code and body, in Glance\'s order', async () => {
  const id = await imageIn(member, 'slow', bytes(4000));
  await copyTo(id, 'slow', 'cold');
  const notAvailable = (s: string) => webobError('409 Conflict', `The selected store ${s} is not available on this node.`);
  assertHtmlError(await admin.del(`/v2/stores/nope/${id}`), 409, notAvailable('nope'), 174);
  assertHtmlError(await admin.del('/v2/stores/nope/abc'), 409, notAvailable('nope')); // the store before the image
  // glance_store's reserved stores pass the store check, and hold no image.
  assertHtmlError(await admin.del(`/v2/stores/os_glance_staging_store/${id}`), 404, webobError('404 Not Found', `Image ${id} is not stored in store os_glance_staging_store.`), 212);
  const unknown = '11111111-1111-1111-1111-111111111111';
  assertHtmlError(await admin.del(`/v2/stores/cold/${unknown}`), 404, webobError('404 Not Found', `Failed to find image ${unknown}`), 179);
  assertHtmlError(await admin.del('/v2/stores/cold/abc'), 404, webobError('404 Not Found', 'Failed to find image abc'));
  // Not visible to another project: as missing.
  assertHtmlError(await other.del(`/v2/stores/cold/${id}`), 404, webobError('404 Not Found', `Failed to find image ${id}`), 179);
  // The owner's reader and member may see the locations but only admins delete them.
  const noDelete = webobError('403 Forbidden', 'You are not authorized to complete delete_image_location action.');
  assertHtmlError(await reader.del(`/v2/stores/cold/${id}`), 403, noDelete, 186);
  assertHtmlError(await member.del(`/v2/stores/cold/${id}`), 403, noDelete, 186);
  // A public image of another project: visible, but not its locations.
  const pub = await imageIn(admin, 'fast', bytes(1000), { visibility: 'public' });
  await copyTo(pub, 'fast', 'cold');
  assertHtmlError(await member.del(`/v2/stores/cold/${pub}`), 403, webobError('403 Forbidden', 'You are not authorized to complete get_image_location action.'), 183);
  // Not in that store.
  assertHtmlError(await admin.del(`/v2/stores/fast/${id}`), 404, webobError('404 Not Found', `Image ${id} is not stored in store fast.`), 193);

  // Not active: 409, whatever the store holds.
  const notActive = webobError('409 Conflict', 'It&#x27;s not allowed to remove image data from store if image status is not &#x27;active&#x27;');
  const queued = await member.create({ name: 'no-data' });
  for (const s of ['fast', 'cold']) assertHtmlError(await admin.del(`/v2/stores/${s}/${queued.id}`), 409, notActive, 215);
  assert.equal((await admin.post(`/v2/images/${id}/actions/deactivate`)).status, 204);
  assertHtmlError(await admin.del(`/v2/stores/cold/${id}`), 409, notActive);
  assert.equal((await admin.post(`/v2/images/${id}/actions/reactivate`)).status, 204);

  // The request itself: a body, another method, a trailing slash.
  assertHtmlError(await admin.call('DELETE', `/v2/stores/cold/${id}`, { body: {} }), 400, webobError('400 Bad Request', 'A body is not expected with this request.'), 167);
  const get = await admin.get(`/v2/stores/cold/${id}`);
  assertHtmlError(get, 405, webobPage('405 Method Not Allowed', 'The method GET is not allowed for this resource. <br /><br />\n'), 187);
  assert.equal(get.headers.get('allow'), 'DELETE');
  assertHtmlError(await admin.del(`/v2/stores/cold/${id}/`), 404, NOT_FOUND);
  assert.equal((await liveLocations(multi, id)).length, 2, 'no refusal removed anything');
  assert.ok(existsSync(path.join(dirOf('cold'), id)));

  // The JSON dialect.
  assertJson(await admin.del(`/v2/stores/nope/${id}`, { Accept: 'application/json' }), 409,
    pyDumps({ message: 'The selected store nope is not available on this node.<br /><br />\n\n\n', code: '409 Conflict', title: 'Conflict' }));
});

test('DELETE /v2/stores/{store}/{image}: 204, the copy gone from that store and its location soft-deleted; the last copy is 403', async () => {
  const data = bytes(70_000);
  const id = await imageIn(member, 'slow', data);
  await copyTo(id, 'slow', 'cold');
  const before = (await member.get(`/v2/images/${id}`)).json.updated_at;

  const r = await admin.del(`/v2/stores/slow/${id}`);
  assert.equal(r.status, 204);
  assert.equal(r.text, '');
  assert.equal(r.headers.get('content-type'), 'text/html; charset=UTF-8');
  assert.match(r.headers.get('x-openstack-request-id') ?? '', /^req-[0-9a-f-]{36}$/);

  assert.equal(filesIn(dirOf('slow')).some((f) => f.includes(id)), false, 'no file, nothing left aside');
  assert.ok(existsSync(path.join(dirOf('cold'), id)));
  const rows = await multi.query<{ meta_data: string; status: string; deleted: number; deleted_at: string | null }>(
    'SELECT meta_data, status, deleted, deleted_at FROM image_locations WHERE image_id = ? ORDER BY id', [id]);
  assert.deepEqual(rows.map((l) => [l.meta_data, l.status, l.deleted]), [['{"store": "slow"}', 'deleted', 1], ['{"store": "cold"}', 'active', 0]]);
  assert.ok(rows[0].deleted_at);
  const shown = (await member.get(`/v2/images/${id}`)).json;
  assert.equal(shown.stores, 'cold');
  assert.equal(shown.status, 'active');
  assert.ok(shown.updated_at >= before);
  const [event] = await multi.query<{ action: string; reason: string }>("SELECT action, reason FROM image_events WHERE image_id = ? ORDER BY id DESC LIMIT 1", [id]);
  assert.deepEqual(event, { action: 'updated', reason: 'data removed from store slow' });

  // Downloads now come from the remaining copy.
  assert.equal(await downloadMd5(id), md5(data));

  // The only copy left: 403, checked before whether the store holds it.
  const onlyCopy = webobError('403 Forbidden', 'Cannot delete image data from the only store containing it. Consider deleting the image instead.');
  for (const s of ['cold', 'slow', 'fast']) assertHtmlError(await admin.del(`/v2/stores/${s}/${id}`), 403, onlyCopy, 218);
  assert.ok(existsSync(path.join(dirOf('cold'), id)));
});

test('two deletes from the two stores at once: one wins, the other finds the only copy left (five rounds)', async () => {
  for (let round = 0; round < 5; round++) {
    const data = bytes(50_000);
    const id = await imageIn(member, 'fast', data);
    await copyTo(id, 'fast', 'slow');
    const replies = await Promise.all([admin.del(`/v2/stores/fast/${id}`), admin.del(`/v2/stores/slow/${id}`)]);
    assert.deepEqual(replies.map((r) => r.status).sort(), [204, 403]);
    const left = await liveLocations(multi, id);
    assert.equal(left.length, 1);
    const kept = replies[0].status === 204 ? 'slow' : 'fast';
    assert.equal(left[0].meta_data, `{"store": "${kept}"}`);
    assert.deepEqual(filesIn(dirOf('fast'), dirOf('slow')).filter((f) => f.includes(id)), [path.join(dirOf(kept), id)]);
    assert.equal(await downloadMd5(id), md5(data));
  }
});

test('a copy whose data is already gone is forgotten all the same (Glance logs it and answers 204)', async () => {
  const id = await imageIn(member, 'fast', bytes(3000));
  await copyTo(id, 'fast', 'cold');
  rmSync(path.join(dirOf('cold'), id));
  assert.equal((await admin.del(`/v2/stores/cold/${id}`)).status, 204);
  assert.equal((await member.get(`/v2/images/${id}`)).json.stores, 'fast');
});

test('deleting the image removes every copy from every store', async () => {
  const id = await imageIn(member, 'fast', bytes(3000));
  await copyTo(id, 'fast', 'slow');
  await copyTo(id, 'fast', 'cold');
  assert.equal((await member.get(`/v2/images/${id}`)).json.stores, 'fast,slow,cold');
  assert.equal((await member.del(`/v2/images/${id}`)).status, 204);
  assert.equal(filesIn(dirOf('fast'), dirOf('slow'), dirOf('cold')).some((f) => f.includes(id)), false);
  assert.equal((await liveLocations(multi, id)).length, 0);
});

test('single store (no enabled_backends): the store URLs answer as Glance\'s, X-Image-Meta-Store is ignored, no stores field or store-ids header', async () => {
  const as = client(single.url, identity('admin-project', 'admin,member,reader'));
  const multiOff = webobError('404 Not Found', 'Multi backend is not supported at this site.');
  assertHtmlError(await as.get('/v2/info/stores'), 404, multiOff, 166);
  assertHtmlError(await as.get('/v2/info/stores/detail'), 404, multiOff, 166);
  const created = await as.post('/v2/images', { disk_format: 'raw', container_format: 'bare' });
  assert.equal(created.headers.get('openstack-image-store-ids'), null);
  const id = created.json.id;
  assert.equal((await as.put(`/v2/images/${id}/file`, bytes(1000), { ...OCTETS, 'X-Image-Meta-Store': 'nope' })).status, 204);
  const shown = (await as.get(`/v2/images/${id}`)).json;
  assert.equal(shown.status, 'active');
  assert.equal('stores' in shown, false);
  assert.deepEqual((await liveLocations(single, id)).map((l) => l.meta_data), ['{}']);
  assertHtmlError(await as.del(`/v2/stores/file/${id}`), 404, NOT_FOUND);
  assertHtmlError(await as.call('DELETE', `/v2/stores/file/${id}`, { body: {} }), 400, webobError('400 Bad Request', 'A body is not expected with this request.'));
  const get = await as.get(`/v2/stores/file/${id}`);
  assertHtmlError(get, 405, webobPage('405 Method Not Allowed', 'The method GET is not allowed for this resource. <br /><br />\n'), 187);
  assert.equal(get.headers.get('allow'), 'DELETE');
  for (const p of ['/v2/stores', '/v2/stores/file']) assertHtmlError(await as.del(p), 404, NOT_FOUND);
});
