// Imports survive a restart of their node: a task left processing (the server
// killed mid-import) is run again from the staged data, or failed cleanly
// when the data is gone (image queued, nothing in staging or the store, lock
// dropped); never left importing. A stage cut by a restart leaves nothing.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import * as mariadb from 'mariadb';
import { poolConfigFromUrl } from '../../../lib/db/url';
import { startServer, removeDir, type TestServer } from '../../helpers/server';
import { client } from '../../helpers/http';
import { md5, killServer, RawRequest, waitFor } from '../../helpers/data';

const servers: TestServer[] = [];
let dir: string | undefined;
const OCTETS = { 'Content-Type': 'application/octet-stream' };
const importBody = { method: { name: 'glance-direct' } };

after(async () => {
  for (const s of servers) {
    if (process.env.SHOW_SERVER_OUTPUT) console.log(s.output());
    await s.stop();
  }
  if (dir) removeDir(dir);
});

const staging = (s: TestServer) => path.join(s.dir, 'data', 'staging');
const stagedOf = (s: TestServer, id: string) => (existsSync(staging(s)) ? readdirSync(staging(s)).filter((f) => f.startsWith(id)) : []);
const storedOf = (s: TestServer, id: string) => readdirSync(path.join(s.dir, 'images')).filter((f) => f.includes(id));

async function restart(prev: TestServer): Promise<TestServer> {
  if (process.env.SHOW_SERVER_OUTPUT) console.log(prev.output());
  servers.splice(servers.indexOf(prev), 1);
  const next = await startServer({ databaseUrl: prev.databaseUrl, dir: prev.dir });
  servers.push(next);
  return next;
}


/** SQL while the server is down (its own pool went with it). */
async function sql(s: TestServer, query: string, params: unknown[]): Promise<void> {
  const conn = await mariadb.createConnection(poolConfigFromUrl(s.databaseUrl));
  try {
    await conn.query(query, params);
  } finally {
    await conn.end();
  }
}

/** The state a kill -9 mid-import leaves: task processing, lock held, image importing. */
async function interruptedImport(s: TestServer, id: string): Promise<string> {
  const task = randomUUID();
  await sql(s, `INSERT INTO tasks (id, type, status, owner, image_id, created_at, updated_at, deleted) VALUES (?, 'api_image_import', 'processing', 'admin', ?, UTC_TIMESTAMP(), UTC_TIMESTAMP(), 0)`, [task, id]);
  await sql(s, `INSERT INTO task_info (task_id, input, result, message) VALUES (?, ?, NULL, '')`, [task, JSON.stringify({ image_id: id, import_req: importBody, backend: [null] })]);
  await sql(s, `INSERT INTO image_properties (image_id, name, value, created_at, deleted) VALUES (?, 'os_glance_import_task', ?, UTC_TIMESTAMP(), 0)`, [id, task]);
  await sql(s, `UPDATE images SET status = 'importing' WHERE id = ?`, [id]);
  return task;
}

/** The image once its import ended (status settled, lock dropped, task ended: Glance's order of finishing). */
const settled = (s: TestServer, id: string) => waitFor(`image ${id} to leave importing`, async () => {
  const img = (await client(s.url).get(`/v2/images/${id}`)).json;
  if (img.status === 'importing' || 'os_glance_import_task' in img) return undefined;
  const tasks = (await client(s.url).get(`/v2/images/${id}/tasks`)).json.tasks as { status: string }[];
  return tasks.some((t) => t.status === 'pending' || t.status === 'processing') ? undefined : img;
}, 40_000);

test('killed mid-import with the staged data still there: the restarted node imports it again', async () => {
  const first = await startServer();
  servers.push(first);
  dir = first.dir;
  const api = client(first.url);
  const data = new Uint8Array(randomBytes(2 * 1048576));
  const img = await api.create({ disk_format: 'raw', container_format: 'bare' });
  assert.equal((await api.put(`/v2/images/${img.id}/stage`, data, OCTETS)).status, 204);
  await killServer(first);
  const task = await interruptedImport(first, img.id);

  const second = await restart(first);
  const done = await settled(second, img.id);
  assert.equal(done.status, 'active');
  assert.equal(done.checksum, md5(data));
  assert.equal('os_glance_import_task' in done, false);
  const t = (await client(second.url).get(`/v2/tasks/${task}`)).json;
  assert.equal(t.status, 'success');
  assert.deepEqual(stagedOf(second, img.id), []);
});

test('killed after the staged file was moved but before the commit: the task fails cleanly, nothing kept', async () => {
  const s = servers[0];
  const api = client(s.url);
  const img = await api.create({ disk_format: 'raw', container_format: 'bare' });
  assert.equal((await api.put(`/v2/images/${img.id}/stage`, new Uint8Array(randomBytes(4096)), OCTETS)).status, 204);
  await killServer(s);
  const task = await interruptedImport(s, img.id);
  // The move into the store happened; the activation never committed.
  for (const f of stagedOf(s, img.id)) rmSync(path.join(staging(s), f));
  writeFileSync(path.join(s.dir, 'images', img.id), 'moved but never recorded');

  const next = await restart(s);
  const after = await settled(next, img.id);
  assert.equal(after.status, 'queued');
  assert.equal('os_glance_import_task' in after, false);
  // The image is queued again just before its task is marked failed (Glance's order).
  const t = await waitFor('the task to end', async () => {
    const shown = (await client(next.url).get(`/v2/tasks/${task}`)).json;
    return shown.status === 'processing' ? undefined : shown;
  });
  assert.equal(t.status, 'failure');
  assert.match(t.message, /staged data is missing/);
  assert.deepEqual(storedOf(next, img.id), []);
  assert.deepEqual(stagedOf(next, img.id), []);
});

test('a real kill -9 right after the import was accepted: resumed or failed cleanly, never stuck', async () => {
  const s = servers[0];
  const api = client(s.url);
  const data = new Uint8Array(randomBytes(48 * 1048576));
  const img = await api.create({ disk_format: 'raw', container_format: 'bare' });
  assert.equal((await api.put(`/v2/images/${img.id}/stage`, data, OCTETS)).status, 204);
  assert.equal((await api.post(`/v2/images/${img.id}/import`, importBody)).status, 202);
  await killServer(s);
  const next = await restart(s);
  const end = await waitFor('the import to end', async () => {
    const shown = (await client(next.url).get(`/v2/images/${img.id}`)).json;
    if (shown.status !== 'active' && shown.status !== 'queued') return undefined;
    return (await settled(next, img.id));
  }, 60_000);
  const [task] = (await client(next.url).get(`/v2/images/${img.id}/tasks`)).json.tasks;
  if (end.status === 'active') {
    assert.equal(end.checksum, md5(data));
    assert.equal(task.status, 'success');
  } else {
    assert.equal(task.status, 'failure');
    assert.deepEqual(storedOf(next, img.id), []);
  }
  assert.equal('os_glance_import_task' in end, false);
  await waitFor('staging empty', async () => (stagedOf(next, img.id).length === 0 ? true : undefined));
});

test('a stage cut by a kill -9 leaves nothing staged and the image queued after the restart', async () => {
  const s = servers[0];
  const api = client(s.url);
  const img = await api.create({ disk_format: 'raw', container_format: 'bare' });
  const head = [`PUT /v2/images/${img.id}/stage HTTP/1.1`, 'Host: 127.0.0.1', 'Content-Type: application/octet-stream', 'Content-Length: 4194304'].join('\n') + '\n';
  const req = new RawRequest(s.port, head);
  await req.write(randomBytes(1048576));
  await waitFor('staging to begin', async () => ((await api.get(`/v2/images/${img.id}`)).json.status === 'uploading' ? true : undefined));
  await killServer(s);
  req.destroy();
  const next = await restart(s);
  await waitFor('the image back to queued', async () => ((await client(next.url).get(`/v2/images/${img.id}`)).json.status === 'queued' ? true : undefined), 90_000);
  assert.deepEqual(stagedOf(next, img.id), []);
});
