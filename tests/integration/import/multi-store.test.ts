// glance-direct with several stores: `stores`, `all_stores`, the
// X-Image-Meta-Store header, Glance's 400/409 for conflicting or unknown
// stores, and a store that fails under all_stores_must_succeed false (the
// others keep the image, os_glance_failed_import names it) and true (nothing
// kept anywhere, image queued). web-download into several stores: the
// response is staged once, then read by each store (staging left empty).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { startServer, removeDir, type TestServer } from '../../helpers/server';
import { client } from '../../helpers/http';
import { md5, waitFor } from '../../helpers/data';
import { closeSource, listenOnLoopback } from '../../helpers/web-source';

let server: TestServer;
let api: ReturnType<typeof client>;
const STORES = ['fast', 'slow', 'cold'];
const OCTETS = { 'Content-Type': 'application/octet-stream' };
const storeDir = (s: string) => path.join(server.dir, s);
const explanation = (html: string) => /<h1>[^<]*<\/h1>\n {2}(.*)<br \/><br \/>/s.exec(html)?.[1];

const WEB_DATA = new Uint8Array(randomBytes(2 * 1048576 + 5));
let source: http.Server;
let src: string;

before(async () => {
  // web-download's source: /data, 404 otherwise (loopback and its port allowed below).
  source = http.createServer((req, res) => {
    if (req.url !== '/data') return void res.writeHead(404).end();
    res.writeHead(200, { 'Content-Length': WEB_DATA.length }).end(WEB_DATA);
  });
  src = await listenOnLoopback(source);
  server = await startServer({
    storeConfig: (dir) => {
      for (const s of [...STORES, 'staging']) mkdirSync(path.join(dir, s));
      return [
        'default_backend = fast',
        '[DEFAULT]',
        'enabled_backends = fast:file, slow:file, cold:file',
        `node_staging_uri = file://${path.join(dir, 'staging')}`,
        '[import_filtering_opts]',
        'allowed_hosts = 127.0.0.1',
        `allowed_ports = ${new URL(src).port}`,
        ...STORES.flatMap((s) => [`[${s}]`, `filesystem_store_datadir = ${path.join(dir, s)}`]),
      ].join('\n');
    },
  });
  api = client(server.url, { Accept: '*/*' });
});

after(async () => {
  await server?.stop();
  closeSource(source);
  if (server) removeDir(server.dir);
});

async function staged(data: Uint8Array<ArrayBuffer>) {
  const img = await api.create({ disk_format: 'raw', container_format: 'bare' });
  assert.equal((await api.put(`/v2/images/${img.id}/stage`, data, OCTETS)).status, 204);
  return img.id as string;
}

async function settled(id: string) {
  return waitFor(`image ${id} to leave importing`, async () => {
    const img = (await api.get(`/v2/images/${id}`)).json;
    if (img.status === 'importing' || img.status === 'uploading' || 'os_glance_import_task' in img) return undefined;
    const tasks = (await api.get(`/v2/images/${id}/tasks`)).json.tasks as { status: string }[];
    return tasks.some((t) => t.status === 'pending' || t.status === 'processing') ? undefined : img;
  });
}

const holding = (id: string) => STORES.filter((s) => existsSync(storeDir(s)) && readdirSync(storeDir(s)).some((f) => f.includes(id)));

test('stores: the image lands in each named store, with a location per store; all_stores: in every store', async () => {
  const data = new Uint8Array(randomBytes(1048576 + 3));
  const id = await staged(data);
  const r = await api.post(`/v2/images/${id}/import`, { method: { name: 'glance-direct' }, stores: ['slow', 'cold'] });
  assert.equal(r.status, 202, r.text);
  const img = await settled(id);
  assert.equal(img.status, 'active');
  assert.equal(img.checksum, md5(data));
  assert.equal(img.stores, 'slow,cold');
  assert.equal(img.os_glance_importing_to_stores, '');
  assert.equal(img.os_glance_failed_import, '');
  assert.deepEqual(holding(id), ['slow', 'cold']);
  const [task] = (await api.get(`/v2/images/${id}/tasks`)).json.tasks;
  assert.deepEqual(task.input.backend, ['slow', 'cold']);

  const all = await staged(data);
  assert.equal((await api.post(`/v2/images/${all}/import`, { method: { name: 'glance-direct' }, all_stores: true })).status, 202);
  assert.equal((await settled(all)).status, 'active');
  assert.deepEqual(holding(all), STORES);

  const byHeader = await staged(data);
  assert.equal((await api.post(`/v2/images/${byHeader}/import`, { method: { name: 'glance-direct' } }, { 'X-Image-Meta-Store': 'cold' })).status, 202);
  assert.equal((await settled(byHeader)).stores, 'cold');
});

test('unknown store 409, conflicting store forms 400, in Glance\'s words', async () => {
  const id = await staged(new Uint8Array(randomBytes(1024)));
  let r = await api.post(`/v2/images/${id}/import`, { method: { name: 'glance-direct' }, stores: ['fast', 'nope'] });
  assert.equal(r.status, 409);
  assert.equal(explanation(r.text), 'Store for identifier nope not found');
  r = await api.post(`/v2/images/${id}/import`, { method: { name: 'glance-direct' }, all_stores: true, stores: ['fast'] });
  assert.equal(r.status, 400);
  assert.equal(explanation(r.text), 'All_stores parameter can&#x27;t be used with x-image-meta-store header or stores parameter');
  r = await api.post(`/v2/images/${id}/import`, { method: { name: 'glance-direct' }, stores: ['fast'] }, { 'X-Image-Meta-Store': 'slow' });
  assert.equal(r.status, 400);
  assert.equal(explanation(r.text), 'Stores parameter and x-image-meta-store header can&#x27;t be both specified');
});

test('a failing store: kept elsewhere when all_stores_must_succeed is false, nothing kept when true', async () => {
  const data = new Uint8Array(randomBytes(65536));
  rmSync(storeDir('slow'), { recursive: true }); // the store's directory vanishes under the server
  try {
    const lenient = await staged(data);
    assert.equal((await api.post(`/v2/images/${lenient}/import`, { method: { name: 'glance-direct' }, stores: ['fast', 'slow', 'cold'], all_stores_must_succeed: false })).status, 202);
    const img = await settled(lenient);
    assert.equal(img.status, 'active');
    assert.equal(img.stores, 'fast,cold');
    assert.equal(img.os_glance_failed_import, 'slow');
    assert.equal(img.os_glance_importing_to_stores, '');

    const strict = await staged(data);
    assert.equal((await api.post(`/v2/images/${strict}/import`, { method: { name: 'glance-direct' }, stores: ['fast', 'slow', 'cold'] })).status, 202);
    const failed = await settled(strict);
    assert.equal(failed.status, 'queued');
    assert.equal(failed.os_glance_failed_import, 'slow');
    assert.deepEqual(holding(strict), [], 'the copy already in fast is removed');
    const [task] = (await api.get(`/v2/images/${strict}/tasks`)).json.tasks;
    assert.equal(task.status, 'failure');
    assert.ok(task.message.length > 0);
  } finally {
    mkdirSync(storeDir('slow'));
  }
});

test('web-download into several stores: fetched once, staged, in each store; a failed fetch leaves nothing staged or stored', async () => {
  const img = await api.create({ disk_format: 'raw', container_format: 'bare' });
  const r = await api.post(`/v2/images/${img.id}/import`, { method: { name: 'web-download', uri: `${src}/data` }, stores: ['slow', 'cold'] });
  assert.equal(r.status, 202, r.text);
  const done = await settled(img.id);
  assert.equal(done.status, 'active');
  assert.equal(done.checksum, md5(WEB_DATA));
  assert.equal(done.size, WEB_DATA.length);
  assert.equal(done.stores, 'slow,cold');
  assert.deepEqual(holding(img.id), ['slow', 'cold']);
  assert.deepEqual(readdirSync(storeDir('staging')).filter((f) => f.includes(img.id)), [], 'the staged download is gone');

  const missing = await api.create({ disk_format: 'raw', container_format: 'bare' });
  assert.equal((await api.post(`/v2/images/${missing.id}/import`, { method: { name: 'web-download', uri: `${src}/gone` }, all_stores: true })).status, 202);
  const failed = await settled(missing.id);
  assert.equal(failed.status, 'queued');
  assert.equal(failed.os_glance_importing_to_stores, '');
  // Glance's _WebDownload revert: a download that failed before any store read it failed for every target store.
  assert.equal(failed.os_glance_failed_import, 'cold,fast,slow');
  assert.deepEqual(holding(missing.id), []);
  assert.deepEqual(readdirSync(storeDir('staging')).filter((f) => f.includes(missing.id)), []);
  const [task] = (await api.get(`/v2/images/${missing.id}/tasks`)).json.tasks;
  assert.equal(task.status, 'failure');
  assert.equal(task.message, 'HTTP Error 404: Not Found');
});
