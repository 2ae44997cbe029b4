// Two API nodes on one database and one store behave as one service: what
// one node does, the other sees and continues (tokens, console sessions,
// image data, status changes, a browser upload started on one node and
// resumed through the other, which forwards it to the node that staged it).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import path from 'node:path';
import { client } from '../../helpers/http';
import { consoleBrowser, sessionCookie } from '../../helpers/console';
import { getToken } from '../../helpers/identity';
import { serverPid } from '../../helpers/data';
import { digests, eventually, qcow2Bytes } from '../../helpers/images';
import { newCluster, removeCluster, servingNode, startNode, tusEndpoint, tusUpload, type Cluster } from '../../helpers/nodes';
import type { TestServer } from '../../helpers/server';

const PASSWORD = 'two-nodes-secret';
const CHUNK = 256 * 1024;
let cluster: Cluster;
let a: TestServer;
let b: TestServer;
let token: string;

before(async () => {
  cluster = newCluster({ flavor: 'keystone', extraConfig: `[identity]\nbootstrap_password = ${PASSWORD}\nadmin_openrc =\n` });
  a = await startNode(cluster);
  b = await startNode(cluster);
  token = await getToken(a.url, 'admin', PASSWORD, 'admin');
});

after(async () => {
  await removeCluster(cluster, [a, b]);
});

test('an image uploaded through node A is downloaded, patched, deactivated, reactivated and deleted through node B', async () => {
  const viaA = client(a.url, { 'X-Auth-Token': token });
  const viaB = client(b.url, { 'X-Auth-Token': token });
  const data = qcow2Bytes(3 * 1048576 + 5);
  const img = await viaA.createWithData(data, { name: 'across', disk_format: 'qcow2', container_format: 'bare' });
  assert.equal(img.status, 'active');

  const down = await fetch(`${b.url}/v2/images/${img.id}/file`, { headers: { 'X-Auth-Token': token } });
  assert.equal(down.status, 200);
  assert.equal(digests(Buffer.from(await down.arrayBuffer())).md5, digests(data).md5);
  const range = await fetch(`${b.url}/v2/images/${img.id}/file`, { headers: { 'X-Auth-Token': token, Range: 'bytes=10-19' } });
  assert.equal(range.status, 206);
  assert.ok(Buffer.from(await range.arrayBuffer()).equals(data.subarray(10, 20)));

  const patched = await viaB.patch(`/v2/images/${img.id}`, [{ op: 'add', path: '/purpose', value: 'two nodes' }]);
  assert.equal(patched.status, 200, patched.text);
  assert.equal((await viaA.get(`/v2/images/${img.id}`)).json.purpose, 'two nodes');

  assert.equal((await viaB.post(`/v2/images/${img.id}/actions/deactivate`)).status, 204);
  assert.equal((await viaA.get(`/v2/images/${img.id}`)).json.status, 'deactivated');
  assert.equal((await viaB.post(`/v2/images/${img.id}/actions/reactivate`)).status, 204);
  assert.equal((await viaA.get(`/v2/images/${img.id}`)).json.status, 'active');

  assert.equal((await viaB.del(`/v2/images/${img.id}`)).status, 204);
  assert.equal((await viaA.get(`/v2/images/${img.id}`)).status, 404);
  assert.deepEqual(readdirSync(cluster.images).filter((f) => f.includes(img.id)), [], 'the data is gone from the shared store');
});

test('a token issued by node A is valid on node B, and revoked on A it is refused by B', async () => {
  const t = await getToken(a.url, 'admin', PASSWORD, 'admin');
  assert.equal((await client(b.url).get('/v2/images', { 'X-Auth-Token': t })).status, 200);
  const revoke = await client(a.url).del('/v3/auth/tokens', { 'X-Auth-Token': token, 'X-Subject-Token': t });
  assert.equal(revoke.status, 204, revoke.text);
  assert.equal((await client(b.url).get('/v2/images', { 'X-Auth-Token': t })).status, 401);
});

test('a console session signed in on node A works on node B (one session key for every node)', async () => {
  const browser = consoleBrowser(a.url);
  await browser.signIn({ username: 'admin', password: PASSWORD, project: 'admin', domain: 'Default' });
  const name = sessionCookie(browser.jar);
  assert.ok(name, 'signed in on A');
  const cookie = `${name}=${browser.jar.get(name!)}`;
  const onB = await fetch(`${b.url}/api/console/images`, { headers: { Cookie: cookie }, redirect: 'manual' });
  assert.equal(onB.status, 200, 'B accepts the session A signed');
  assert.ok(Array.isArray(((await onB.json()) as { images: unknown[] }).images));
  const [secret] = await a.query<{ n: number }>('SELECT COUNT(*) AS n FROM service_secrets');
  assert.equal(secret.n, 1);
  // Signed out on B: the session ends for A too.
  const out = consoleBrowser(b.url);
  out.jar.set(name!, browser.jar.get(name!)!);
  assert.equal(await out.signOut(), 200);
  assert.equal((await fetch(`${a.url}/api/console/images`, { headers: { Cookie: cookie }, redirect: 'manual' })).status, 307);
});

test('a browser upload started on node A and resumed through node B is forwarded to A and completes', async () => {
  const browser = consoleBrowser(a.url);
  await browser.signIn({ username: 'admin', password: PASSWORD, project: 'admin', domain: 'Default' });
  const name = sessionCookie(browser.jar)!;
  const headers = { Cookie: `${name}=${browser.jar.get(name)}` };
  const created = await client(a.url, headers).post('/api/console/images', { name: 'tus-across', disk_format: 'qcow2', container_format: 'bare' });
  assert.equal(created.status, 201, created.text);
  const id = created.json.id as string;
  const data = qcow2Bytes(7 * CHUNK + 123);

  assert.equal(await tusUpload({ endpoint: tusEndpoint(a) }, id, data, { chunkSize: CHUNK, stopAfterChunks: 2, headers }), 'stopped');
  assert.equal(await servingNode(a, id), a.url, 'A staged it');
  const stagingA = path.join(a.dir, 'data', 'staging');
  const stagingB = path.join(b.dir, 'data', 'staging');

  // B answers the resume (HEAD) with A's offset: the request went to A.
  const head = await fetch(`${tusEndpoint(b)}/${id}`, { method: 'HEAD', headers: { ...headers, 'Tus-Resumable': '1.0.0' } });
  assert.equal(head.status, 200);
  assert.equal(head.headers.get('upload-offset'), String(2 * CHUNK));

  // As a browser on B's page sends them: A must see B's Host to accept B's Origin.
  const fromB = { ...headers, Origin: b.url, 'Sec-Fetch-Site': 'same-origin' };
  assert.equal(await tusUpload({ uploadUrl: `${tusEndpoint(b)}/${id}` }, id, data, { chunkSize: CHUNK, headers: fromB }), 'done');
  const row = await eventually(`${id} active`, async () => {
    const [r] = await b.query<{ status: string; checksum: string; os_hash_value: string; size: number }>('SELECT status, checksum, os_hash_value, size FROM images WHERE id = ?', [id]);
    return r.status === 'active' ? r : undefined;
  });
  assert.equal(row.checksum, digests(data).md5);
  assert.equal(row.os_hash_value, digests(data).sha512);
  assert.equal(row.size, data.length);
  assert.ok(!existsSync(stagingB) || readdirSync(stagingB).length === 0, 'nothing was ever staged on B');
  assert.deepEqual(readdirSync(stagingA).filter((f) => f.startsWith(id)), [], 'A removed its staged copy after the import');
  assert.equal(await servingNode(a, id), null, 'no node serves a finished upload');
  const down = await fetch(`${b.url}/v2/images/${id}/file`, { headers: { 'X-Auth-Token': token } });
  assert.ok(Buffer.from(await down.arrayBuffer()).equals(data));
});

test('a browser upload staged on node A, started afresh and then cancelled through node B: both go to A', async () => {
  const browser = consoleBrowser(a.url);
  await browser.signIn({ username: 'admin', password: PASSWORD, project: 'admin', domain: 'Default' });
  const name = sessionCookie(browser.jar)!;
  const headers = { Cookie: `${name}=${browser.jar.get(name)}` };
  const id = (await client(a.url, headers).post('/api/console/images', { name: 'cancelled', disk_format: 'qcow2', container_format: 'bare' })).json.id as string;
  assert.equal(await tusUpload({ endpoint: tusEndpoint(a) }, id, qcow2Bytes(4 * CHUNK), { chunkSize: CHUNK, stopAfterChunks: 1, headers }), 'stopped');
  const stagingA = path.join(a.dir, 'data', 'staging');
  const stagingB = path.join(b.dir, 'data', 'staging');
  assert.ok(readdirSync(stagingA).includes(id));

  // Another tab starts the upload over through B: the creation (POST) goes to A, which replaces its upload.
  assert.equal(await tusUpload({ endpoint: tusEndpoint(b) }, id, qcow2Bytes(4 * CHUNK), { chunkSize: CHUNK, stopAfterChunks: 2, headers }), 'stopped');
  assert.ok(!existsSync(stagingB) || readdirSync(stagingB).length === 0, 'nothing staged on B');
  const head = await fetch(`${tusEndpoint(a)}/${id}`, { method: 'HEAD', headers: { ...headers, 'Tus-Resumable': '1.0.0' } });
  assert.equal(head.headers.get('upload-offset'), String(2 * CHUNK), 'A holds the new upload');
  assert.equal(await servingNode(a, id), a.url);

  const cancel = await fetch(`${tusEndpoint(b)}/${id}`, { method: 'DELETE', headers: { ...headers, 'Tus-Resumable': '1.0.0' } });
  assert.equal(cancel.status, 204);
  await eventually(`${id} queued`, async () => ((await b.query<{ status: string }>('SELECT status FROM images WHERE id = ?', [id]))[0].status === 'queued' ? true : undefined));
  assert.deepEqual(readdirSync(stagingA).filter((f) => f.startsWith(id)), []);
  assert.equal(await servingNode(a, id), null);
  const [event] = await a.query<{ action: string }>('SELECT action FROM image_events WHERE image_id = ? ORDER BY id DESC LIMIT 1', [id]);
  assert.equal(event.action, 'upload_cancelled');
});

test('a large chunk forwarded by node B streams through it: B\'s memory stays flat, A stores every byte', async (t) => {
  const browser = consoleBrowser(a.url);
  await browser.signIn({ username: 'admin', password: PASSWORD, project: 'admin', domain: 'Default' });
  const name = sessionCookie(browser.jar)!;
  const cookie = `${name}=${browser.jar.get(name)}`;
  const created = await client(a.url, { Cookie: cookie }).post('/api/console/images', { name: 'big-chunk', disk_format: 'raw', container_format: 'bare' });
  const id = created.json.id as string;
  const size = 256 * 1048576;
  const make = await fetch(tusEndpoint(a), {
    method: 'POST',
    headers: { Cookie: cookie, 'Tus-Resumable': '1.0.0', 'Upload-Length': String(size), 'Upload-Metadata': `imageId ${Buffer.from(id).toString('base64')}` },
  });
  assert.equal(make.status, 201, await make.text());

  const pidB = serverPid(b);
  const rss = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pidB}/status`, 'utf8'))![1]) * 1024;
  const before = rss();
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, rss())), 50);
  const startedAt = Date.now();
  // One PATCH of 256 MiB through B, written as the socket takes it.
  const status = await new Promise<number>((resolve, reject) => {
    const req = httpRequest(`${tusEndpoint(b)}/${id}`, {
      method: 'PATCH',
      headers: { Cookie: cookie, 'Tus-Resumable': '1.0.0', 'Upload-Offset': '0', 'Content-Type': 'application/offset+octet-stream', 'Content-Length': String(size) },
    }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    const piece = Buffer.alloc(1048576, 7);
    let sent = 0;
    const pump = () => {
      while (sent < size) {
        sent += piece.length;
        if (!req.write(piece)) return void req.once('drain', pump);
      }
      req.end();
    };
    pump();
  });
  clearInterval(sampler);
  assert.equal(status, 204);
  const grew = peak - before;
  t.diagnostic(`B's RSS before ${(before / 1048576).toFixed(0)} MiB, peak while forwarding 256 MiB ${(peak / 1048576).toFixed(0)} MiB; ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);
  assert.ok(grew < 96 * 1048576, `B held ${(grew / 1048576).toFixed(0)} MiB of a 256 MiB chunk`);
  const row = await eventually(`${id} active`, async () => {
    const [r] = await a.query<{ status: string; size: number }>('SELECT status, size FROM images WHERE id = ?', [id]);
    return r.status === 'active' ? r : undefined;
  }, 60_000);
  assert.equal(row.size, size);
});

test('a browser upload is refused through node B without a session, before anything is forwarded', async () => {
  const created = await client(a.url, { 'X-Auth-Token': token }).post('/v2/images', { name: 'anon', disk_format: 'raw', container_format: 'bare' });
  const id = created.json.id as string;
  const res = await fetch(`${tusEndpoint(b)}/${id}`, { method: 'HEAD', headers: { 'Tus-Resumable': '1.0.0' }, redirect: 'manual' });
  assert.equal(res.status, 307);
  assert.match(res.headers.get('location') ?? '', /\/dashboard\/login/);
});
