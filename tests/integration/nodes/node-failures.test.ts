// Nodes stopping while another node serves uploads: a restart repairs only
// its own earlier run's uploads, never a live node's; a node killed for good
// has its uploads repaired by the others once its heartbeat goes stale
// (within 5 heartbeat intervals, README), and a browser upload it staged is
// started again through another node.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { client } from '../../helpers/http';
import { events, md5, putHead, RawRequest, serverPid, waitFor, waitForStatus } from '../../helpers/data';
import { digests, eventually, qcow2Bytes } from '../../helpers/images';
import { HEARTBEAT_S, newCluster, removeCluster, restartNode, servingNode, startNode, tusEndpoint, tusUpload, type Cluster } from '../../helpers/nodes';
import type { TestServer } from '../../helpers/server';

const CHUNK = 256 * 1024;
let cluster: Cluster;
let a: TestServer;
let b: TestServer;

before(async () => {
  cluster = newCluster();
  a = await startNode(cluster);
  b = await startNode(cluster);
});

after(async () => {
  await removeCluster(cluster, [a, b]);
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('node B restarting while node A streams an upload leaves that upload alone: it completes, active, right md5', async () => {
  const img = await client(a.url).create({ disk_format: 'raw', container_format: 'bare' });
  const data = randomBytes(6 * 1048576);
  const put = new RawRequest(a.port, putHead(img.id, { 'Content-Length': String(data.length) }));
  await put.write(data.subarray(0, 2 * 1048576));
  await waitForStatus(a, img.id, 'saving');
  assert.equal(await servingNode(a, img.id), a.url);

  b = await restartNode(cluster, b);
  // B's start-up repair has run; let B's periodic repair run a few times too.
  await sleep(3 * HEARTBEAT_S * 1000);
  assert.equal((await client(b.url).get(`/v2/images/${img.id}`)).json.status, 'saving', 'still A\'s upload');

  await put.write(data.subarray(2 * 1048576));
  const res = await put.response();
  assert.equal(res.status, 204, res.body);
  const shown = (await client(b.url).get(`/v2/images/${img.id}`)).json;
  assert.equal(shown.status, 'active');
  assert.equal(shown.checksum, md5(data));
  assert.deepEqual((await events(a, img.id)).map((e) => e.action), ['created', 'upload_started', 'upload_finished']);
  await put.close();
});

test('node A killed mid-upload: node B returns its uploads to queued within 5 heartbeats; the browser upload A staged starts again through B', async (t) => {
  // A PUT /file A is serving, and a browser upload A has staged part of.
  const put = await client(a.url).create({ disk_format: 'raw', container_format: 'bare' });
  const req = new RawRequest(a.port, putHead(put.id, { 'Content-Length': String(8 * 1048576) }));
  await req.write(randomBytes(1048576));
  await waitForStatus(a, put.id, 'saving');
  const staged = (await client(a.url).post('/api/console/images', { name: 'staged-on-a', disk_format: 'qcow2', container_format: 'bare' })).json.id as string;
  const data = qcow2Bytes(6 * CHUNK + 9);
  assert.equal(await tusUpload({ endpoint: tusEndpoint(a) }, staged, data, { chunkSize: CHUNK, stopAfterChunks: 2 }), 'stopped');
  assert.equal((await client(a.url).get(`/v2/images/${staged}`)).json.status, 'uploading');
  await waitFor('the partial file', async () => (readdirSync(cluster.images).some((f) => f.includes(put.id)) ? true : undefined));

  const pid = serverPid(a);
  process.kill(pid, 'SIGKILL');
  const killedAt = Date.now();
  req.destroy();

  // Until A's heartbeat is stale, B cannot tell A is gone: a resume through B finds A unreachable (504, tus retries).
  const early = await fetch(`${tusEndpoint(b)}/${staged}`, { method: 'HEAD', headers: { 'Tus-Resumable': '1.0.0' } });
  assert.equal(early.status, 504);
  assert.equal((await client(b.url).get(`/v2/images/${put.id}`)).json.status, 'saving');

  await waitForStatus(b, put.id, 'queued');
  const repairedAfter = (Date.now() - killedAt) / 1000;
  t.diagnostic(`A's upload returned to queued by B ${repairedAfter.toFixed(1)} s after the kill (heartbeat interval ${HEARTBEAT_S} s)`);
  // Stale after 4 missed beats (A's last beat was at most one interval before the kill), found within one more.
  assert.ok(repairedAfter >= HEARTBEAT_S, `not before A's heartbeat went stale (${repairedAfter} s)`);
  assert.ok(repairedAfter <= 5 * HEARTBEAT_S + 3, `repaired ${repairedAfter} s after the kill, documented: within 5 heartbeat intervals`);
  const reset = (await events(b, put.id)).at(-1)!;
  assert.equal(reset.action, 'reset_after_restart');
  assert.equal(reset.from_status, 'saving');
  assert.match(reset.reason ?? '', /server serving the upload .* stopped/);
  // Queued first (so a node still finishing finds the image moved on), then its data removed.
  await waitFor('A\'s partial file to go from the shared store', async () => (readdirSync(cluster.images).some((f) => f.includes(put.id)) ? undefined : true), 5000);

  await waitForStatus(b, staged, 'queued');
  assert.equal((await events(b, staged)).at(-1)!.action, 'upload_expired');
  assert.equal(await servingNode(b, staged), null);
  const gone = await fetch(`${tusEndpoint(b)}/${staged}`, { method: 'HEAD', headers: { 'Tus-Resumable': '1.0.0' } });
  assert.equal(gone.status, 404, 'the staged data died with A: tus starts again');
  // What the console does: resume, get 404, create the upload anew, here on B.
  assert.equal(await tusUpload({ endpoint: tusEndpoint(b), uploadUrl: `${tusEndpoint(b)}/${staged}` }, staged, data, { chunkSize: CHUNK }), 'done');
  const row = await eventually(`${staged} active`, async () => {
    const [r] = await b.query<{ status: string; checksum: string }>('SELECT status, checksum FROM images WHERE id = ?', [staged]);
    return r.status === 'active' ? r : undefined;
  });
  assert.equal(row.checksum, digests(data).md5);

  // The image A was receiving takes data through B.
  const again = randomBytes(300_000);
  assert.equal((await client(b.url).put(`/v2/images/${put.id}/file`, again, { 'Content-Type': 'application/octet-stream' })).status, 204);
  assert.equal((await client(b.url).get(`/v2/images/${put.id}`)).json.checksum, md5(again));
  const [nodes] = await b.query<{ n: number }>('SELECT COUNT(*) AS n FROM service_nodes');
  assert.equal(nodes.n, 1, 'the dead node\'s row is gone');
});
