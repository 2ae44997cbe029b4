// The console's uploads on a multi-store site: an admin may name the store in
// the tus Upload-Metadata and the import goes there; an unknown store is 400
// and a member naming any store 403, both before anything changes (an earlier
// staged upload of the image included); the image detail lists the stores.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { consoleBrowser } from '../../helpers/console';
import { digests, eventually, qcow2Bytes } from '../../helpers/images';
import { readOpenrc, startKeystoneServer, type KeystoneServer } from '../../helpers/identity';
import { makePersonas, type Personas } from '../../helpers/roles';
import { removeDir } from '../../helpers/server';
import { STORE_DESCRIPTIONS, twoFileStores } from '../../helpers/stores';

let server: KeystoneServer;
let p: Personas;

before(async () => {
  server = await startKeystoneServer({ storeConfig: twoFileStores });
  p = await makePersonas(server);
});

after(async () => {
  await server?.stop();
  if (server) removeDir(server.dir);
});

type Session = Awaited<ReturnType<typeof signedIn>>;

async function signedIn(who: 'admin' | 'member') {
  const env = readOpenrc(server.openrc);
  const fields = who === 'admin' ? { username: env.OS_USERNAME, password: env.OS_PASSWORD, project: env.OS_PROJECT_NAME, domain: 'Default' } : p.login.member;
  const b = consoleBrowser(server.url);
  assert.doesNotMatch((await b.signIn(fields)).url, /error=/);
  // Same-origin requests, as the console's pages send them.
  const send = (method: string, url: string, body?: BodyInit, headers: Record<string, string> = {}) =>
    b.fetch(url, { method, body, headers: { Origin: server.url, ...headers } });
  return {
    b,
    send,
    async createImage(name: string): Promise<string> {
      const res = await send('POST', '/api/console/images', JSON.stringify({ name, disk_format: 'qcow2', container_format: 'bare' }), { 'Content-Type': 'application/json' });
      assert.equal(res.status, 201);
      return ((await res.json()) as { id: string }).id;
    },
    /** tus creation: Upload-Metadata with the image id and, if given, a store. */
    createUpload(imageId: string, length: number, store?: string) {
      const meta = [`imageId ${Buffer.from(imageId).toString('base64')}`, ...(store === undefined ? [] : [`store ${Buffer.from(store).toString('base64')}`])];
      return send('POST', '/api/console/uploads', undefined, { 'Tus-Resumable': '1.0.0', 'Upload-Length': String(length), 'Upload-Metadata': meta.join(',') });
    },
    sendChunk(imageId: string, offset: number, chunk: Buffer) {
      return send('PATCH', `/api/console/uploads/${imageId}`, new Uint8Array(chunk), { 'Tus-Resumable': '1.0.0', 'Upload-Offset': String(offset), 'Content-Type': 'application/offset+octet-stream' });
    },
    async detail(imageId: string) {
      const res = await send('GET', `/api/console/images/${imageId}`, undefined, { Accept: 'application/json' });
      assert.equal(res.status, 200);
      return (await res.json()) as { stores: { id: string; description: string | null }[] | null; locations: { url: string; status: string; store: string | null }[] | null };
    },
  };
}

const storeFile = (store: string, id: string) => path.join(server.dir, store, id);
const staged = () => readdirSync(path.join(server.dir, 'data', 'staging'));
const status = async (id: string) => (await server.query<{ status: string }>('select status from images where id = ?', [id]))[0].status;
const actions = async (id: string) =>
  (await server.query<{ action: string }>('select action from image_events where image_id = ? order by created_at, id', [id])).map((r) => r.action);
const active = (id: string) => eventually(`${id} active`, async () => ((await status(id)) === 'active' ? true : undefined));

/** Create the tus upload and send all of `data` in one chunk. */
async function uploadAll(s: Session, id: string, data: Buffer, store?: string): Promise<void> {
  const created = await s.createUpload(id, data.length, store);
  assert.equal(created.status, 201, await created.text());
  const sent = await s.sendChunk(id, 0, data);
  assert.equal(sent.status, 204, await sent.text());
  await active(id);
}

test('an admin names bulk: the import writes into bulk\'s directory, the location records bulk, the detail lists bulk', async () => {
  const admin = await signedIn('admin');
  const data = qcow2Bytes(300 * 1024 + 7);
  const id = await admin.createImage('to-bulk');
  await uploadAll(admin, id, data, 'bulk');
  assert.equal(digests(readFileSync(storeFile('bulk', id))).md5, digests(data).md5);
  assert.equal(existsSync(storeFile('fast', id)), false, 'nothing in the default store');
  const [loc] = await server.query<{ value: string; meta_data: string }>('select value, meta_data from image_locations where image_id = ?', [id]);
  assert.equal(loc.value, `file://${storeFile('bulk', id)}`);
  assert.deepEqual(JSON.parse(loc.meta_data), { store: 'bulk' });
  const [row] = await server.query<{ checksum: string; size: number }>('select checksum, size from images where id = ?', [id]);
  assert.deepEqual(row, { checksum: digests(data).md5, size: data.length });
  const detail = await admin.detail(id);
  assert.deepEqual(detail.stores, [{ id: 'bulk', description: STORE_DESCRIPTIONS.bulk }]);
  assert.deepEqual(detail.locations, [{ url: `file://${storeFile('bulk', id)}`, status: 'active', store: 'bulk' }]);
  assert.deepEqual(staged(), []);
});

test('an admin without a choice gets the default store', async () => {
  const admin = await signedIn('admin');
  const data = qcow2Bytes(64 * 1024);
  const id = await admin.createImage('to-default');
  await uploadAll(admin, id, data);
  assert.equal(digests(readFileSync(storeFile('fast', id))).md5, digests(data).md5);
  assert.equal(existsSync(storeFile('bulk', id)), false);
  assert.deepEqual((await admin.detail(id)).stores, [{ id: 'fast', description: STORE_DESCRIPTIONS.fast }]);
});

test('an unknown store is 400 with the enabled stores named, and an upload already staged for the image is left as it was', async () => {
  const admin = await signedIn('admin');
  const data = qcow2Bytes(200 * 1024 + 3);
  const id = await admin.createImage('tampered');
  assert.equal((await admin.createUpload(id, data.length, 'bulk')).status, 201);
  const half = 100 * 1024;
  assert.equal((await admin.sendChunk(id, 0, data.subarray(0, half))).status, 204);
  const before = { status: await status(id), actions: await actions(id) };
  assert.equal(before.status, 'uploading');

  const refused = await admin.createUpload(id, data.length, 'nowhere');
  assert.equal(refused.status, 400);
  assert.equal(await refused.text(), "Unknown store 'nowhere': the enabled stores are fast, bulk.");
  assert.deepEqual({ status: await status(id), actions: await actions(id) }, before, 'no status change, no event');
  const head = await admin.send('HEAD', `/api/console/uploads/${id}`, undefined, { 'Tus-Resumable': '1.0.0' });
  assert.equal(head.status, 200);
  assert.equal(head.headers.get('upload-offset'), String(half), 'the staged half is still there');

  // The earlier upload finishes into the store it named.
  assert.equal((await admin.sendChunk(id, half, data.subarray(half))).status, 204);
  await active(id);
  assert.equal(digests(readFileSync(storeFile('bulk', id))).md5, digests(data).md5);
});

test('a member may not name a store, not even the default (403, nothing staged); without one the upload goes to the default', async () => {
  const member = await signedIn('member');
  const data = qcow2Bytes(80 * 1024 + 1);
  const id = await member.createImage('member-upload');
  for (const store of ['bulk', 'fast', 'nowhere']) {
    const refused = await member.createUpload(id, data.length, store);
    assert.equal(refused.status, 403, store);
    assert.equal(await refused.text(), 'Only administrators may choose the store an upload goes to.');
  }
  assert.equal(staged().includes(id), false);
  assert.equal(await status(id), 'queued');
  assert.deepEqual(await actions(id), ['created']);

  await uploadAll(member, id, data);
  assert.equal(digests(readFileSync(storeFile('fast', id))).md5, digests(data).md5);
  const detail = await member.detail(id);
  assert.deepEqual(detail.stores, [{ id: 'fast', description: STORE_DESCRIPTIONS.fast }], 'members see where the data is');
  assert.equal(detail.locations, null, 'but not the location URIs');
});

test('the images page offers the store choice to the admin only', async () => {
  const page = async (s: Session) => (await s.b.fetch('/dashboard')).text();
  const adminPage = await page(await signedIn('admin'));
  assert.ok(adminPage.includes(STORE_DESCRIPTIONS.bulk), 'the admin\'s page carries the stores to choose from');
  const memberPage = await page(await signedIn('member'));
  assert.ok(memberPage.includes('data-testid="drop-zone"'), 'the member may upload');
  assert.ok(!memberPage.includes(STORE_DESCRIPTIONS.bulk), 'but is offered no store');
});
