// Storage that fails under a running server, on real mounts (the suite runs as
// root): a store remounted read-only refuses deletes with Glance's 403 and
// keeps row and file, refuses uploads with Glance's 503 and leaves nothing;
// a read-only or full staging area gives the browser's tus client a clear
// 503 or 413; a file that vanished downloads as Glance's 204.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer, removeDir, type TestServer } from '../../helpers/server';
import { client } from '../../helpers/http';
import { events, filesIn, md5, waitForStatus } from '../../helpers/data';

const DENIED =
  '<html>\n <head>\n  <title>503 Service Unavailable</title>\n </head>\n <body>\n  <h1>503 Service Unavailable</h1>\n  Insufficient permissions on image storage media: Permission to write image storage media denied.<br /><br />\n\n\n\n </body>\n</html>';

const mounts: string[] = [];
let server: TestServer;
let api: ReturnType<typeof client>;
let store: string;
let staging: string;

function tmpfs(dir: string, size: string): string {
  mkdirSync(dir, { recursive: true });
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir]);
  mounts.push(dir);
  return dir;
}

const remount = (dir: string, mode: 'ro' | 'rw') => execFileSync('mount', ['-o', `remount,${mode}`, dir]);

before(async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'glance-test-'));
  store = tmpfs(path.join(dir, 'store'), '16m');
  staging = tmpfs(path.join(dir, 'staging'), '1m');
  server = await startServer({
    dir,
    storeConfig: () => `filesystem_store_datadir = ${store}`,
    extraConfig: `[DEFAULT]\nnode_staging_uri = file://${staging}\n`,
  });
  api = client(server.url);
});

after(async () => {
  await server?.stop();
  for (const m of mounts) execFileSync('umount', [m]);
  if (server) removeDir(server.dir);
});

test('read-only store: DELETE is 403 and keeps row and file; an upload is 503 and leaves nothing; rw again: DELETE 204', async () => {
  const data = randomBytes(500_000);
  const image = await api.createWithData(data, { disk_format: 'raw', container_format: 'bare' });
  const file = path.join(store, image.id);
  assert.ok(existsSync(file));
  const waiting = await api.create({ disk_format: 'raw', container_format: 'bare' });

  remount(store, 'ro');
  try {
    const del = await api.del(`/v2/images/${image.id}`, { Accept: 'application/json' });
    assert.equal(del.status, 403);
    assert.deepEqual(del.json, { message: `You cannot delete the file of image ${image.id}<br /><br />\n\n\n`, code: '403 Forbidden', title: 'Forbidden' });
    assert.ok(!del.text.includes(store), 'the store path is not shown');
    const shown = await api.get(`/v2/images/${image.id}`);
    assert.equal(shown.status, 200);
    assert.equal(shown.json.status, 'active');
    const [loc] = await server.query<{ deleted: number; status: string }>('SELECT deleted, status FROM image_locations WHERE image_id = ?', [image.id]);
    assert.deepEqual(loc, { deleted: 0, status: 'active' });
    assert.deepEqual(filesIn(store), [file]);
    const down = await fetch(`${server.url}/v2/images/${image.id}/file`);
    assert.equal(md5(Buffer.from(await down.arrayBuffer())), md5(data));

    const up = await api.put(`/v2/images/${waiting.id}/file`, randomBytes(100_000), { 'Content-Type': 'application/octet-stream', Accept: '*/*' });
    assert.equal(up.status, 503);
    assert.equal(up.text, DENIED);
    await waitForStatus(server, waiting.id, 'queued');
    const failed = (await events(server, waiting.id)).filter((e) => e.action === 'upload_failed');
    assert.equal(failed.length, 1);
    assert.deepEqual(filesIn(store), [file], 'no partial file');
  } finally {
    remount(store, 'rw');
  }

  assert.equal((await api.del(`/v2/images/${image.id}`)).status, 204);
  assert.deepEqual(filesIn(store), [], 'the file is gone, nothing left aside');
  assert.equal((await api.get(`/v2/images/${image.id}`)).status, 404);
  const more = randomBytes(100_000);
  assert.equal((await api.put(`/v2/images/${waiting.id}/file`, more, { 'Content-Type': 'application/octet-stream' })).status, 204);
  assert.equal((await api.get(`/v2/images/${waiting.id}`)).json.checksum, md5(more));
});

test('a file that vanished from the store: GET /file answers 204 at once (Glance: NotFound → 204), no cut connection', async () => {
  const image = await api.createWithData(randomBytes(100_000), { disk_format: 'raw', container_format: 'bare' });
  rmSync(path.join(store, image.id));
  const res = await fetch(`${server.url}/v2/images/${image.id}/file`);
  assert.equal(res.status, 204);
  assert.equal((await res.arrayBuffer()).byteLength, 0);
  assert.equal((await api.del(`/v2/images/${image.id}`)).status, 204);
});

/** tus requests as tus-js-client sends them (same origin, as the console page). */
function tus(method: string, url: string, headers: Record<string, string>, body?: Buffer) {
  return fetch(new URL(url, server.url), {
    method,
    headers: { 'Tus-Resumable': '1.0.0', Origin: server.url, ...headers },
    body: body as BodyInit | undefined,
  });
}

test('staging area read-only: creating a browser upload is 503 in Glance words; full: 413; never 500', async () => {
  const image = await api.create({ disk_format: 'raw', container_format: 'bare' });
  const meta = `imageId ${Buffer.from(image.id).toString('base64')}`;

  remount(staging, 'ro');
  try {
    const res = await tus('POST', '/api/console/uploads', { 'Upload-Length': '1000', 'Upload-Metadata': meta });
    assert.equal(res.status, 503);
    assert.equal(await res.text(), 'Insufficient permissions on image storage media: Permission to write image storage media denied.');
  } finally {
    remount(staging, 'rw');
  }
  assert.equal((await api.get(`/v2/images/${image.id}`)).json.status, 'queued');

  // 2 MiB into a 1 MiB staging area.
  const size = 2 * 1048576;
  const created = await tus('POST', '/api/console/uploads', { 'Upload-Length': String(size), 'Upload-Metadata': meta });
  assert.equal(created.status, 201);
  const patch = await tus('PATCH', created.headers.get('location')!, { 'Upload-Offset': '0', 'Content-Type': 'application/offset+octet-stream' }, randomBytes(size));
  assert.equal(patch.status, 413);
  assert.equal(await patch.text(), 'Image storage media is full: There is not enough disk space on the image storage media.');
  // The browser cancels; the staged bytes go and the image is queued again.
  const cancel = await tus('DELETE', created.headers.get('location')!, {});
  assert.equal(cancel.status, 204);
  await waitForStatus(server, image.id, 'queued');
  assert.deepEqual(filesIn(staging), []);
});
