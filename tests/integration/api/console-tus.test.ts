// The console's tus upload endpoint, driven by tus-js-client from Node:
// staging, import with the same digests as PUT /file, a server restart in the
// middle, expiry of abandoned uploads, deletion during an upload.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tus from 'tus-js-client';
import { startServer, removeDir, type TestServer } from '../../helpers/server';
import { client } from '../../helpers/http';
import { digests, eventually, qcow2Bytes } from '../../helpers/images';

const CHUNK = 256 * 1024;
let server: TestServer;
let expiring: TestServer;
const customStaging = mkdtempSync(path.join(os.tmpdir(), 'glance-staging-'));

before(async () => {
  server = await startServer();
  expiring = await startServer({ extraConfig: `[DEFAULT]\nnode_staging_uri = file://${customStaging}\nnode_staging_expiry = 2\n` });
});

after(async () => {
  for (const s of [server, expiring]) {
    await s?.stop();
    if (s) removeDir(s.dir);
  }
  removeDir(customStaging);
});

const endpoint = (s: TestServer) => `${s.url}/api/console/uploads`;

async function createImage(s: TestServer, name: string): Promise<string> {
  const res = await client(s.url).post('/api/console/images', { name, disk_format: 'qcow2', container_format: 'bare' });
  assert.equal(res.status, 201, res.text);
  return res.json.id;
}

/** Upload with tus; stop (abort, no termination) after `stopAfterChunks` chunks if given; `metadata`: more Upload-Metadata. */
function tusUpload(url: { endpoint?: string; uploadUrl?: string }, imageId: string, data: Buffer, stopAfterChunks?: number, metadata: Record<string, string> = {}): Promise<'done' | 'stopped'> {
  return new Promise((resolve, reject) => {
    let chunks = 0;
    const upload: tus.Upload = new tus.Upload(data, {
      ...url,
      chunkSize: CHUNK,
      retryDelays: null,
      metadata: { imageId, filename: 'disk.qcow2', ...metadata },
      onChunkComplete: () => {
        chunks++;
        if (stopAfterChunks !== undefined && chunks === stopAfterChunks) upload.abort(false).then(() => resolve('stopped'), reject);
      },
      onSuccess: () => resolve('done'),
      onError: reject,
    });
    upload.start();
  });
}

const row = async (s: TestServer, id: string) =>
  (await s.query<Record<string, unknown>>('select status, checksum, os_hash_algo, os_hash_value, size, virtual_size from images where id = ?', [id]))[0];
const actions = async (s: TestServer, id: string) =>
  (await s.query<{ action: string }>('select action from image_events where image_id = ? order by created_at, id', [id])).map((r) => r.action);
const activeRow = (s: TestServer, id: string) => eventually(`${id} active`, async () => {
  const r = await row(s, id);
  return r.status === 'active' ? r : undefined;
});

test('a tus upload is staged, imported and ends active with the same md5, sha512 and size as PUT /file', async () => {
  const data = qcow2Bytes(5 * CHUNK + 17);
  const viaTus = await createImage(server, 'via-tus');
  assert.equal(await tusUpload({ endpoint: endpoint(server) }, viaTus, data), 'done');
  const tusRow = await activeRow(server, viaTus);
  const viaPut = await client(server.url).createWithData(data, { name: 'via-put', disk_format: 'qcow2', container_format: 'bare' });
  const putRow = await row(server, viaPut.id);
  assert.deepEqual(tusRow, putRow);
  assert.equal(tusRow.checksum, digests(data).md5);
  assert.equal(tusRow.os_hash_value, digests(data).sha512);
  assert.deepEqual(await actions(server, viaTus), ['created', 'upload_started', 'staged', 'import_started', 'imported']);
  const [loc] = await server.query<{ value: string }>('select value from image_locations where image_id = ?', [viaTus]);
  assert.equal(loc.value, `file://${path.join(server.dir, 'images', viaTus)}`);
  assert.deepEqual(readdirSync(path.join(server.dir, 'data', 'staging')), []);
  // The stored file downloads as the original bytes.
  const down = await fetch(`${server.url}/v2/images/${viaTus}/file`);
  assert.ok(Buffer.from(await down.arrayBuffer()).equals(data));
});

test('a single-store site ignores a store named in the metadata (as Glance ignores X-Image-Meta-Store), and its image page lists no stores', async () => {
  const data = qcow2Bytes(2 * CHUNK + 1);
  const id = await createImage(server, 'named-store');
  assert.equal(await tusUpload({ endpoint: endpoint(server) }, id, data, undefined, { store: 'elsewhere' }), 'done');
  assert.equal((await activeRow(server, id)).checksum, digests(data).md5);
  const [loc] = await server.query<{ value: string; meta_data: string }>('select value, meta_data from image_locations where image_id = ?', [id]);
  assert.deepEqual(loc, { value: `file://${path.join(server.dir, 'images', id)}`, meta_data: '{}' });
  const detail = (await client(server.url).get(`/api/console/images/${id}`)).json;
  assert.equal(detail.stores, null);
  assert.deepEqual(detail.locations, [{ url: loc.value, status: 'active', store: null }]);
});

test('an upload survives a server restart and continues from the last stored chunk', async () => {
  const data = qcow2Bytes(8 * CHUNK + 3);
  const id = await createImage(server, 'restarted');
  assert.equal(await tusUpload({ endpoint: endpoint(server) }, id, data, 3), 'stopped');
  assert.equal((await row(server, id)).status, 'uploading');
  await server.stop();
  server = await startServer({ dir: server.dir, databaseUrl: server.databaseUrl });
  assert.equal((await row(server, id)).status, 'uploading', 'a restart does not lose the staged upload');
  const head = await fetch(`${endpoint(server)}/${id}`, { method: 'HEAD', headers: { 'Tus-Resumable': '1.0.0' } });
  assert.equal(head.headers.get('upload-offset'), String(3 * CHUNK));
  assert.equal(await tusUpload({ uploadUrl: `${endpoint(server)}/${id}` }, id, data), 'done');
  const r = await activeRow(server, id);
  assert.equal(r.checksum, digests(data).md5);
  assert.equal(r.size, data.length);
});

test('staged on the store\'s filesystem, the staged file itself becomes the image file (moved, not copied)', async () => {
  const data = qcow2Bytes(6 * CHUNK + 5);
  const id = await createImage(server, 'moved');
  assert.equal(await tusUpload({ endpoint: endpoint(server) }, id, data, 2), 'stopped');
  const staged = statSync(path.join(server.dir, 'data', 'staging', id));
  assert.equal(await tusUpload({ uploadUrl: `${endpoint(server)}/${id}` }, id, data), 'done');
  const r = await activeRow(server, id);
  assert.equal(r.checksum, digests(data).md5);
  assert.equal(r.os_hash_value, digests(data).sha512);
  const stored = statSync(path.join(server.dir, 'images', id));
  assert.equal(stored.ino, staged.ino, 'the same inode: renamed into the store');
  assert.equal(stored.mode & 0o777, 0o640);
  assert.deepEqual(readdirSync(path.join(server.dir, 'data', 'staging')).filter((f) => f.startsWith(id)), []);
});

test('a tus upload is hashed as it is staged: its import takes those digests and does not read the staged file to hash it', async () => {
  const data = qcow2Bytes(6 * CHUNK + 9);
  const id = await createImage(server, 'hashed-while-staged');
  assert.equal(await tusUpload({ endpoint: endpoint(server) }, id, data, 3), 'stopped');
  // Bytes already staged (and hashed) changed behind the service's back: only an import that
  // trusts what was hashed while staging, without reading the file again, reports the original digests.
  const staged = path.join(server.dir, 'data', 'staging', id);
  const fd = openSync(staged, 'r+');
  writeSync(fd, Buffer.alloc(4096, 0x5a), 0, 4096, CHUNK);
  closeSync(fd);
  assert.equal(await tusUpload({ uploadUrl: `${endpoint(server)}/${id}` }, id, data), 'done');
  const r = await activeRow(server, id);
  assert.equal(r.checksum, digests(data).md5);
  assert.equal(r.os_hash_value, digests(data).sha512);
  const stored = readFileSync(path.join(server.dir, 'images', id));
  assert.equal(stored.length, data.length);
  assert.ok(!stored.equals(data), 'the stored file is the changed one: it was moved, never re-read');
  assert.deepEqual(readdirSync(path.join(server.dir, 'data', 'staging')).filter((f) => f.startsWith(id)), [], 'the sums went with the staged file');
});

test('staged on another filesystem (a tmpfs), the import copies: same digests, staged data removed', async () => {
  const stagingMount = mkdtempSync(path.join(os.tmpdir(), 'glance-staging-tmpfs-'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=16m', 'tmpfs', stagingMount]);
  let other: TestServer | null = null;
  try {
    other = await startServer({ extraConfig: `[DEFAULT]\nnode_staging_uri = file://${stagingMount}\n` });
    const data = qcow2Bytes(9 * CHUNK + 11);
    const id = await createImage(other, 'copied');
    assert.equal(await tusUpload({ endpoint: endpoint(other) }, id, data, 1), 'stopped');
    const staged = statSync(path.join(stagingMount, id));
    assert.equal(await tusUpload({ uploadUrl: `${endpoint(other)}/${id}` }, id, data), 'done');
    const r = await activeRow(other, id);
    assert.equal(r.checksum, digests(data).md5);
    assert.equal(r.os_hash_value, digests(data).sha512);
    assert.equal(r.size, data.length);
    const stored = statSync(path.join(other.dir, 'images', id));
    assert.notEqual(stored.dev, staged.dev, 'the store is on another filesystem');
    assert.deepEqual(readdirSync(path.join(other.dir, 'images')), [id], 'no partial file left');
    assert.deepEqual(readdirSync(stagingMount).filter((f) => f.startsWith(id)), []);
    const down = await fetch(`${other.url}/v2/images/${id}/file`);
    assert.ok(Buffer.from(await down.arrayBuffer()).equals(data));
  } finally {
    await other?.stop();
    if (other) removeDir(other.dir);
    execFileSync('umount', [stagingMount]);
    rmSync(stagingMount, { recursive: true, force: true });
  }
});

test('uploads only go to images waiting for data, with Glance-style refusals', async () => {
  const active = await client(server.url).createWithData(qcow2Bytes(1000), { name: 'has-data', disk_format: 'qcow2', container_format: 'bare' });
  await assert.rejects(tusUpload({ endpoint: endpoint(server) }, active.id, qcow2Bytes(100)), (err: tus.DetailedError) => {
    assert.equal(err.originalResponse?.getStatus(), 409);
    assert.match(err.originalResponse?.getBody() ?? '', /transition from active to uploading is not allowed/);
    return true;
  });
  await assert.rejects(tusUpload({ endpoint: endpoint(server) }, '6f1c0c2e-0000-4000-8000-000000000000', qcow2Bytes(100)), (err: tus.DetailedError) => {
    assert.equal(err.originalResponse?.getStatus(), 404);
    return true;
  });
});

test('an abandoned upload expires: staged data removed, image back to queued (custom node_staging_uri)', async () => {
  const id = await createImage(expiring, 'abandoned');
  assert.equal(await tusUpload({ endpoint: endpoint(expiring) }, id, qcow2Bytes(4 * CHUNK), 1), 'stopped');
  assert.ok(existsSync(path.join(customStaging, id)), 'staged under node_staging_uri');
  await eventually('expiry', async () => ((await row(expiring, id)).status === 'queued' ? true : undefined), 20_000);
  assert.equal((await actions(expiring, id)).at(-1), 'upload_expired');
  assert.deepEqual(readdirSync(customStaging).filter((f) => f.startsWith(id)), []);
  // The image is not stuck: a new upload to it works.
  const data = qcow2Bytes(CHUNK + 1);
  assert.equal(await tusUpload({ endpoint: endpoint(expiring) }, id, data), 'done');
  assert.equal((await activeRow(expiring, id)).checksum, digests(data).md5);
});

test('deleting an image during its upload leaves no staged data and refuses further chunks', async () => {
  const id = await createImage(expiring, 'deleted-mid-upload');
  const data = qcow2Bytes(4 * CHUNK);
  assert.equal(await tusUpload({ endpoint: endpoint(expiring) }, id, data, 1), 'stopped');
  assert.equal((await client(expiring.url).del(`/v2/images/${id}`)).status, 204);
  await assert.rejects(tusUpload({ uploadUrl: `${endpoint(expiring)}/${id}` }, id, data), (err: tus.DetailedError) => {
    assert.equal(err.originalResponse?.getStatus(), 404);
    return true;
  });
  await eventually('staged data removed', async () => (readdirSync(customStaging).some((f) => f.startsWith(id)) ? undefined : true), 20_000);
  assert.equal((await row(expiring, id)).status, 'deleted');
});

test('a failed import returns the image to queued with the reason in its timeline, and leaves no staged data', async () => {
  const storeDir = path.join(expiring.dir, 'images');
  const id = await createImage(expiring, 'import-fails');
  rmSync(storeDir, { recursive: true }); // the store's directory vanishes under the server
  try {
    assert.equal(await tusUpload({ endpoint: endpoint(expiring) }, id, qcow2Bytes(CHUNK)), 'done');
    await eventually('import to fail', async () => ((await row(expiring, id)).status === 'queued' ? true : undefined));
  } finally {
    mkdirSync(storeDir, { recursive: true });
  }
  const [failed] = await expiring.query<{ action: string; from_status: string; to_status: string; reason: string }>(
    "select action, from_status, to_status, reason from image_events where image_id = ? and action = 'import_failed'",
    [id],
  );
  assert.equal(failed.from_status, 'importing');
  assert.equal(failed.to_status, 'queued');
  assert.match(failed.reason, /ENOENT|no such file/i);
  assert.deepEqual(readdirSync(customStaging).filter((f) => f.startsWith(id)), []);
  // Not stuck: the same image takes a new upload once the store is back.
  const data = qcow2Bytes(CHUNK);
  assert.equal(await tusUpload({ endpoint: endpoint(expiring) }, id, data), 'done');
  assert.equal((await activeRow(expiring, id)).checksum, digests(data).md5);
});
