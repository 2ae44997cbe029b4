// Interoperable import, web-download, single store: POST /import with a URI
// served by an HTTP server this test starts on loopback. Loopback is refused
// by default, so the service under test allows 127.0.0.1 explicitly
// (allowed_hosts, allowed_ports); the default refusal is asserted too. A failed download
// leaves a failed task saying why, the image queued and nothing stored.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { startServer, removeDir, type TestServer } from '../../helpers/server';
import { client } from '../../helpers/http';
import { md5, sha512, waitFor } from '../../helpers/data';
import { DEFAULT_IMPORT_FILTERING } from '../../../lib/config/import-filtering';
import { checkImportUri } from '../../../lib/imports/web-fetch';
import { allowSource, closeSource, listenOnLoopback } from '../../helpers/web-source';

let server: TestServer;
let source: http.Server;
let src: string; // http://127.0.0.1:PORT
let dir: string;
const identity = (project: string, roles: string) => ({
  'X-Identity-Status': 'Confirmed', 'X-Project-Id': project, 'X-User-Id': `${project}-${roles.split(',')[0]}`, 'X-Roles': roles, Accept: '*/*',
});
let admin: ReturnType<typeof client>;
let member: ReturnType<typeof client>;
const CAP = 4 * 1048576;
const DATA = new Uint8Array(randomBytes(3 * 1048576 + 123));
const BIG = new Uint8Array(randomBytes(CAP + 1));
const requested: string[] = [];
const filesOf = (d: string) => readdirSync(d).filter((f) => !f.startsWith('.tus'));

/** The source: /data (with Content-Length), /chunked (without), /big, /big-chunked, /redirect-out, 404 otherwise. */
function handle(req: IncomingMessage, res: ServerResponse): void {
  requested.push(req.url ?? '');
  const port = (source.address() as AddressInfo).port;
  const send = (data: Uint8Array, length: boolean) => {
    res.writeHead(200, { 'Content-Type': 'application/octet-stream', ...(length ? { 'Content-Length': data.length } : {}) });
    // In 64 KiB writes: a streamed body, never one buffer.
    for (let i = 0; i < data.length; i += 65536) res.write(data.subarray(i, i + 65536));
    res.end();
  };
  if (req.url === '/data') return send(DATA, true);
  if (req.url === '/chunked') return send(DATA, false);
  if (req.url === '/big') return send(BIG, true);
  if (req.url === '/big-chunked') return send(BIG, false);
  // Same server, but named `localhost`: not in allowed_hosts.
  if (req.url === '/redirect-out') return void res.writeHead(302, { Location: `http://localhost:${port}/data` }).end();
  res.writeHead(404, { 'Content-Type': 'text/plain' }).end('no such file');
}

before(async () => {
  source = http.createServer(handle);
  src = await listenOnLoopback(source);
  dir = mkdtempSync(path.join(os.tmpdir(), 'glance-webdl-'));
  mkdirSync(path.join(dir, 'staging'));
  server = await startServer({
    dir,
    flavor: 'trusted-headers',
    extraConfig:
      `[DEFAULT]\nnode_staging_uri = file://${path.join(dir, 'staging')}\nimage_size_cap = ${CAP}\n` +
      allowSource(src),
  });
  admin = client(server.url, identity('admin-project', 'admin,member,reader'));
  member = client(server.url, identity('demo-project', 'member,reader'));
});

after(async () => {
  if (process.env.SHOW_SERVER_OUTPUT) console.log(server?.output());
  await server?.stop();
  closeSource(source);
  if (dir) removeDir(dir);
});

const explanation = (html: string) => /<h1>[^<]*<\/h1>\n {2}(.*)<br \/><br \/>/s.exec(html)?.[1];
const webDownload = (uri: unknown) => ({ method: { name: 'web-download', uri } });

/** The image once its import ended (image settled, task ended, lock dropped), with its one task. */
async function settled(id: string) {
  return waitFor(`image ${id} to leave importing`, async () => {
    const img = (await admin.get(`/v2/images/${id}`)).json;
    if (img.status === 'importing' || 'os_glance_import_task' in img) return undefined;
    const tasks = (await admin.get(`/v2/images/${id}/tasks`)).json.tasks as { status: string; message: string; input: unknown }[];
    return tasks.some((t) => t.status === 'pending' || t.status === 'processing') ? undefined : { img, tasks };
  });
}

async function imported(uri: string, props: object = {}) {
  const img = await member.create({ name: 'web', disk_format: 'raw', container_format: 'bare', ...props });
  const r = await member.post(`/v2/images/${img.id}/import`, webDownload(uri));
  assert.equal(r.status, 202, r.text);
  return { id: img.id as string, ...(await settled(img.id)) };
}

test('loopback is refused by default: the source this test starts is only reachable because allowed_hosts names it', async () => {
  const port = Number(new URL(src).port);
  // The defaults refuse the port (allowed_ports = 80,443) and, with the port allowed, the loopback address.
  assert.equal(await checkImportUri(`${src}/data`, DEFAULT_IMPORT_FILTERING), `port ${port} is not allowed`);
  const portAllowed = { ...DEFAULT_IMPORT_FILTERING, allowedPorts: [port] };
  assert.match((await checkImportUri(`${src}/data`, portAllowed)) ?? 'passed', /^127\.0\.0\.1 resolves to a loopback address/);
  assert.match((await checkImportUri(`http://localhost:${port}/data`, portAllowed)) ?? 'passed', /^localhost resolves to a loopback address/);
  // The service under test was started with allowed_hosts = 127.0.0.1 and allowed_ports = that port.
  assert.equal(await checkImportUri(`${src}/data`, { ...portAllowed, allowedHosts: ['127.0.0.1'] }), null);
});

test('web-download: 202, the data fetched, hashed (md5, sha512) and stored, the task succeeded; with or without Content-Length', async () => {
  for (const p of ['/data', '/chunked']) {
    const { id, img, tasks } = await imported(`${src}${p}`);
    assert.equal(img.status, 'active', p);
    assert.equal(img.size, DATA.length);
    assert.equal(img.checksum, md5(DATA));
    assert.equal(img.os_hash_algo, 'sha512');
    assert.equal(img.os_hash_value, sha512(DATA));
    assert.equal(tasks.length, 1);
    assert.equal(tasks[0].status, 'success');
    assert.equal(tasks[0].message, 'Copied 3 MiB');
    assert.deepEqual(tasks[0].input, { image_id: id, import_req: webDownload(`${src}${p}`), backend: [null] });
    const down = await fetch(`${server.url}/v2/images/${id}/file`, { headers: identity('demo-project', 'member,reader') });
    assert.equal(md5(new Uint8Array(await down.arrayBuffer())), md5(DATA));
    assert.ok(requested.includes(p));
  }
  assert.deepEqual(filesOf(path.join(dir, 'staging')), [], 'a single store reads the response directly: nothing staged');
});

test('a redirect to a host outside allowed_hosts: the task fails saying so, the image is queued again, nothing stored', async () => {
  const before = filesOf(path.join(dir, 'images'));
  const { img, tasks } = await imported(`${src}/redirect-out`);
  assert.equal(img.status, 'queued');
  assert.equal(tasks[0].status, 'failure');
  assert.equal(tasks[0].message, `Redirect to disallowed URL: http://localhost:${new URL(src).port}/data`);
  assert.equal(img.os_glance_importing_to_stores, '');
  assert.deepEqual(filesOf(path.join(dir, 'images')), before);
});

test('a 404 from the source: the task fails with the HTTP error, the image is queued and can be imported again', async () => {
  const { id, img, tasks } = await imported(`${src}/missing`);
  assert.equal(img.status, 'queued');
  assert.equal(tasks[0].status, 'failure');
  assert.equal(tasks[0].message, 'HTTP Error 404: Not Found');
  const again = await member.post(`/v2/images/${id}/import`, webDownload(`${src}/data`));
  assert.equal(again.status, 202);
  const { img: done } = await settled(id);
  assert.equal(done.status, 'active');
  assert.equal(done.checksum, md5(DATA));
});

test('a source bigger than image_size_cap (announced or not): the task fails, the image is queued, nothing stored', async () => {
  for (const p of ['/big', '/big-chunked']) {
    const before = filesOf(path.join(dir, 'images'));
    const { img, tasks } = await imported(`${src}${p}`);
    assert.equal(img.status, 'queued', p);
    assert.equal(tasks[0].status, 'failure');
    assert.equal(tasks[0].message, 'The incoming image is too large: The provided image is too large.');
    assert.deepEqual(filesOf(path.join(dir, 'images')), before, p);
    assert.deepEqual(filesOf(path.join(dir, 'staging')), []);
  }
});

test('request-time 400s: a URI the filters refuse, no URI; 409 unless the image is queued', async () => {
  const img = await member.create({ name: 'refused', disk_format: 'raw', container_format: 'bare' });
  const port = new URL(src).port;
  const cases: [unknown, string][] = [
    [`http://localhost:${port}/data`, `URI for web-download does not pass filtering: http://localhost:${port}/data`],
    [`ftp://127.0.0.1:${port}/data`, `URI for web-download does not pass filtering: ftp://127.0.0.1:${port}/data`],
    [undefined, 'URI for web-download does not pass filtering: None'],
  ];
  for (const [uri, words] of cases) {
    const r = await member.post(`/v2/images/${img.id}/import`, uri === undefined ? { method: { name: 'web-download' } } : webDownload(uri));
    assert.equal(r.status, 400, String(uri));
    assert.equal(explanation(r.text), words);
  }
  const shown = (await member.get(`/v2/images/${img.id}`)).json;
  assert.equal(shown.status, 'queued');
  assert.equal('os_glance_import_task' in shown, false, 'no lock taken');
  assert.deepEqual((await member.get(`/v2/images/${img.id}/tasks`)).json.tasks, [], 'no task');

  const { id } = await imported(`${src}/data`);
  const r = await member.post(`/v2/images/${id}/import`, webDownload(`${src}/data`));
  assert.equal(r.status, 409);
  assert.equal(explanation(r.text), 'Image with status active cannot be target for import');
});

test('/v2/info/import and the create header list web-download', async () => {
  assert.deepEqual((await member.get('/v2/info/import')).json['import-methods'].value, ['glance-direct', 'web-download']);
  assert.equal((await member.post('/v2/images', { name: 'h' })).headers.get('openstack-image-import-methods'), 'glance-direct,web-download');
});
