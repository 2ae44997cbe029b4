// Distributed import: data staged on node A, the import asked of node B. B
// forwards it to A (os_glance_stage_host = A's worker_self_reference_url,
// with the caller's credentials), which runs the task; with A down, B answers
// Glance's 504 "Stage host is unavailable".
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { client } from '../../helpers/http';
import { md5, waitFor } from '../../helpers/data';
import { newCluster, removeCluster, startNode, type Cluster } from '../../helpers/nodes';
import type { TestServer } from '../../helpers/server';

let cluster: Cluster;
let a: TestServer;
let b: TestServer;
const creds = { 'X-Identity-Status': 'Confirmed', 'X-Project-Id': 'demo-project', 'X-User-Id': 'u1', 'X-Roles': 'member,reader', Accept: '*/*' };
const OCTETS = { 'Content-Type': 'application/octet-stream' };
const stagedFiles = (n: TestServer) => {
  const dir = path.join(n.dir, 'data', 'staging');
  return existsSync(dir) ? readdirSync(dir).filter((f) => !f.startsWith('.')) : [];
};

before(async () => {
  cluster = newCluster({ flavor: 'trusted-headers' });
  a = await startNode(cluster);
  b = await startNode(cluster);
  // A is stopped by a test; removeCluster stops it again.
  const stopA = a.stop;
  let stopped = false;
  a.stop = async () => {
    if (stopped) return;
    stopped = true;
    await stopA();
  };
});

after(async () => {
  await removeCluster(cluster, [a, b]);
});

async function stagedOnA(data: Uint8Array<ArrayBuffer>) {
  const api = client(a.url, creds);
  const img = await api.create({ name: 'distributed', disk_format: 'raw', container_format: 'bare' });
  assert.equal((await api.put(`/v2/images/${img.id}/stage`, data, OCTETS)).status, 204);
  return img.id as string;
}

test('staged on A, imported through B: forwarded to A with the caller\'s credentials, the image active', async () => {
  const data = new Uint8Array(randomBytes(3 * 1048576 + 5));
  const id = await stagedOnA(data);
  const [host] = await a.query<{ value: string }>("SELECT value FROM image_properties WHERE image_id = ? AND name = 'os_glance_stage_host' AND deleted = 0", [id]);
  assert.equal(host.value, a.url, 'A recorded itself as the stage host');
  assert.deepEqual(stagedFiles(b), [], 'B has nothing staged');

  const r = await client(b.url, creds).post(`/v2/images/${id}/import`, { method: { name: 'glance-direct' } });
  assert.equal(r.status, 202, r.text);
  const img = await waitFor('the import to finish', async () => {
    const shown = (await client(b.url, creds).get(`/v2/images/${id}`)).json;
    return shown.status === 'active' && !('os_glance_import_task' in shown) ? shown : undefined;
  });
  assert.equal(img.checksum, md5(data));
  assert.equal('os_glance_stage_host' in img, false);
  const task = await waitFor('the task to end', async () => {
    const [t] = (await client(b.url, creds).get(`/v2/images/${id}/tasks`)).json.tasks;
    return t.status === 'processing' ? undefined : t;
  });
  assert.equal(task.status, 'success');
  assert.equal(task.user_id, 'u1', 'the task ran as the caller on A');
  assert.deepEqual(stagedFiles(a).filter((f) => f.startsWith(id)), [], 'staged data consumed on A');
  // The stage host property went when the import began, as in Glance.
  assert.deepEqual(await a.query("SELECT value FROM image_properties WHERE image_id = ? AND name = 'os_glance_stage_host' AND deleted = 0", [id]), []);
});

test('the stage host down: B answers 504 "Stage host is unavailable" and keeps no task', async () => {
  const id = await stagedOnA(new Uint8Array(randomBytes(4096)));
  await a.stop();
  const r = await client(b.url, creds).post(`/v2/images/${id}/import`, { method: { name: 'glance-direct' } });
  assert.equal(r.status, 504);
  assert.match(r.text, /<h1>504 Gateway Time-out<\/h1>\n {2}The gateway has timed out\.<br \/><br \/>\nStage host is unavailable\n/);
  assert.deepEqual(await b.query('SELECT id FROM tasks WHERE image_id = ?', [id]), []);
  // A's node repair by B then returns the image to queued (its staged data is gone with A).
  await waitFor('the image back to queued', async () => ((await client(b.url, creds).get(`/v2/images/${id}`)).json.status === 'queued' ? true : undefined), 40_000);
});
