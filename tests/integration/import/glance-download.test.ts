// glance-download between two running instances of this service acting as two
// regions of one cloud, as deployed for real: one shared identity service.
// RegionOne is its own Keystone (embedded identity); RegionTwo trusts it
// ([keystone_authtoken] auth_url = RegionOne). The operator lists RegionTwo's
// image endpoint in the catalog (POST /v3/endpoints). A user's token of
// RegionOne then works on both; an import pulls the image, its formats and
// the extra_properties prefixes from the other region, with that user's token.
// Both directions are exercised: RegionOne's catalog is read from its database,
// RegionTwo's from the shared Keystone (GET /v3/auth/catalog).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync } from 'node:fs';
import http from 'node:http';
import { once } from 'node:events';
import path from 'node:path';
import { call, client } from '../../helpers/http';
import { md5, sha512, waitFor } from '../../helpers/data';
import { getToken, makeProjectUser, readOpenrc, startKeystoneServer, type KeystoneServer } from '../../helpers/identity';
import { freePort, removeDir, startServer, type TestServer } from '../../helpers/server';
import { parseFields, runCli } from '../../helpers/openstack-cli';
import { twoFileStores } from '../../helpers/stores';

let one: KeystoneServer; // RegionOne, and the cloud's identity service
let two: TestServer; // RegionTwo, trusting RegionOne's identity
let deadPort: number; // nothing listens there: an unreachable region
let fake: http.Server; // RegionFake: an image service whose data does not match what its metadata says
const fakeSaw: { url: string; token: string | undefined }[] = [];
const BAD_SUM = randomUUID();
const BAD_SIZE = randomUUID();
const REDIRECTED = randomUUID(); // its data is a redirect to another origin (elsewhere, below)
let elsewhere: http.Server;
const elsewhereSaw: (string | undefined)[] = [];
let adminToken: string;
let demoToken: string; // member of project demo
let readerToken: string; // reader of project demo
let otherToken: string; // member of project other
const CAP = 8 * 1048576;
const DATA = new Uint8Array(randomBytes(3 * 1048576 + 321));
const BIG = new Uint8Array(randomBytes(CAP + 1));
const PROPS = { hw_disk_bus: 'scsi', os_distro: 'debian', 'trait:CUSTOM_FAST': 'required', architecture: 'x86_64', owner_note: 'not copied' };
const filesOf = (d: string) => readdirSync(d).filter((f) => !f.startsWith('.'));

before(async () => {
  const twoPort = await freePort();
  deadPort = await freePort();
  fake = http.createServer((req, res) => {
    fakeSaw.push({ url: req.url ?? '', token: req.headers['x-auth-token'] as string | undefined });
    const id = (req.url ?? '').split('/')[3];
    if (req.url === `/v2/images/${REDIRECTED}/file`) return void res.writeHead(302, { Location: `${elsewhereUrl}/data` }).end();
    if (req.url?.endsWith('/file')) return void res.writeHead(200, { 'Content-Length': DATA.length }).end(DATA);
    const size = id === BAD_SIZE ? DATA.length + 1 : DATA.length;
    const checksum = id === BAD_SUM ? '0'.repeat(32) : md5(DATA);
    const doc = { id, status: 'active', size, checksum, os_hash_algo: 'sha512', os_hash_value: sha512(DATA), disk_format: 'raw', container_format: 'bare', os_distro: 'fake' };
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(doc));
  });
  elsewhere = http.createServer((req, res) => {
    elsewhereSaw.push(req.headers['x-auth-token'] as string | undefined);
    res.writeHead(200, { 'Content-Length': DATA.length }).end(DATA);
  });
  elsewhere.listen(0, '127.0.0.1');
  await once(elsewhere, 'listening');
  const elsewhereUrl = `http://127.0.0.1:${(elsewhere.address() as { port: number }).port}`;
  fake.listen(0, '127.0.0.1');
  await once(fake, 'listening');
  const fakeUrl = `http://127.0.0.1:${(fake.address() as { port: number }).port}`;
  const common = (peerPort: number, cap: number) =>
    `[DEFAULT]\nenabled_import_methods = [glance-direct, web-download, copy-image, glance-download]\nimage_size_cap = ${cap}\n` +
    `[import_filtering_opts]\nallowed_hosts = 127.0.0.1\nallowed_ports = [${peerPort}, ${deadPort}, ${new URL(fakeUrl).port}, ${new URL(elsewhereUrl).port}]\n`;
  one = await startKeystoneServer({ extraConfig: common(twoPort, CAP) });
  const env = readOpenrc(one.openrc);
  two = await startServer({
    port: twoPort,
    flavor: 'keystone',
    // Two stores: an import into both downloads once into staging, then each store reads it.
    storeConfig: (dir) => {
      mkdirSync(path.join(dir, 'staging'));
      return `${twoFileStores(dir)}\n[DEFAULT]\nnode_staging_uri = file://${path.join(dir, 'staging')}`;
    },
    extraConfig:
      common(one.port, 2 * CAP) +
      ['[identity]', 'region_id = RegionTwo', '[keystone_authtoken]', `auth_url = ${one.url}`, `username = ${env.OS_USERNAME}`,
        `password = ${env.OS_PASSWORD}`, `project_name = ${env.OS_PROJECT_NAME}`, 'token_cache_time = 0'].join('\n'),
  });
  adminToken = await getToken(one.url, env.OS_USERNAME, env.OS_PASSWORD, env.OS_PROJECT_NAME);
  const demo = await makeProjectUser(one.url, adminToken, 'demo', 'demo', 'demo-secret');
  await makeProjectUser(one.url, adminToken, 'other', 'other', 'other-secret');
  // A reader of project demo.
  const h = { 'X-Auth-Token': adminToken };
  const u = await call(one.url, 'POST', '/v3/users', { body: { user: { name: 'viewer', password: 'viewer-secret', default_project_id: demo.projectId } }, headers: h });
  const reader = (await call(one.url, 'GET', '/v3/roles?name=reader', { headers: h })).json.roles[0].id;
  assert.equal((await call(one.url, 'PUT', `/v3/projects/${demo.projectId}/users/${u.json.user.id}/roles/${reader}`, { headers: h })).status, 204);
  demoToken = await getToken(one.url, 'demo', 'demo-secret', 'demo');
  readerToken = await getToken(one.url, 'viewer', 'viewer-secret', 'demo');
  otherToken = await getToken(one.url, 'other', 'other-secret', 'other');
  // The operator lists RegionTwo's image service, and an unreachable RegionDead, in the shared catalog.
  const image = (await call(one.url, 'GET', '/v3/services?type=image', { headers: h })).json.services[0].id;
  for (const [region, url] of [['RegionTwo', two.url], ['RegionDead', `http://127.0.0.1:${deadPort}`], ['RegionFake', fakeUrl]]) {
    const r = await call(one.url, 'POST', '/v3/endpoints', { body: { endpoint: { service_id: image, interface: 'public', region_id: region, url } }, headers: h });
    assert.equal(r.status, 201, r.text);
  }
});

after(async () => {
  if (process.env.SHOW_SERVER_OUTPUT) console.log(one?.output(), two?.output());
  await two?.stop();
  await one?.stop();
  for (const srv of [fake, elsewhere]) {
    srv?.closeAllConnections();
    srv?.close();
  }
  for (const s of [one, two]) if (s) removeDir(s.dir);
});

const as = (server: TestServer, token: string) => client(server.url, { 'X-Auth-Token': token });
const download = (region: string, id: string, extra: object = {}) => ({ method: { name: 'glance-download', glance_region: region, glance_image_id: id, ...extra } });

/** An active image in `server` with DATA (or `data`) and PROPS. */
async function remoteImage(server: TestServer, data: Uint8Array = DATA, token = demoToken) {
  return as(server, token).createWithData(data, { name: 'source', disk_format: 'raw', container_format: 'bare', ...PROPS });
}

/** The image once its import ended, with its one task. */
async function settled(server: TestServer, id: string) {
  const c = as(server, adminToken);
  return waitFor(`image ${id} to leave importing`, async () => {
    const img = (await c.get(`/v2/images/${id}`)).json;
    if (img.status === 'importing' || 'os_glance_import_task' in img) return undefined;
    const tasks = (await c.get(`/v2/images/${id}/tasks`)).json.tasks as { status: string; message: string; input: any }[]; // eslint-disable-line @typescript-eslint/no-explicit-any
    return tasks.some((t) => t.status === 'pending' || t.status === 'processing') ? undefined : { img, tasks };
  }, 60_000);
}

/** A queued image in `server` (formats that the import must replace) and its import from `region`. */
async function imported(server: TestServer, region: string, remoteId: string, token = demoToken, extra: object = {}) {
  const c = as(server, token);
  const img = await c.create({ name: 'copy', disk_format: 'qcow2', container_format: 'ovf', architecture: 'aarch64' });
  const r = await c.post(`/v2/images/${img.id}/import`, download(region, remoteId, extra));
  assert.equal(r.status, 202, r.text);
  return { id: img.id as string, ...(await settled(server, img.id)) };
}

test('both regions list glance-download; the shared catalog shows RegionTwo\'s image endpoint', async () => {
  for (const s of [one, two]) {
    const info = await as(s, demoToken).get('/v2/info/import');
    assert.ok(info.json['import-methods'].value.includes('glance-download'), s.url);
  }
  const cat = await call(one.url, 'GET', '/v3/auth/catalog', { headers: { 'X-Auth-Token': demoToken } });
  const image = cat.json.catalog.find((s: { type: string }) => s.type === 'image');
  assert.ok(image.endpoints.some((e: any) => e.region_id === 'RegionTwo' && e.interface === 'public' && e.url === two.url)); // eslint-disable-line @typescript-eslint/no-explicit-any
  const endpoint = (body: object, token = adminToken) => call(one.url, 'POST', '/v3/endpoints', { headers: { 'X-Auth-Token': token }, body: { endpoint: body } });
  assert.equal((await endpoint({ service_id: image.id, interface: 'public', url: 'http://x' }, demoToken)).status, 403);
  const badInterface = await endpoint({ service_id: image.id, interface: 'outside', url: 'http://x' });
  assert.equal(badInterface.status, 400);
  assert.match(badInterface.json.error.message, /'interface'/);
  assert.equal((await endpoint({ service_id: 'nope', interface: 'public', url: 'http://x' })).status, 400);
  const own = image.endpoints.find((e: { region_id: string }) => e.region_id === 'RegionOne');
  const h = { 'X-Auth-Token': adminToken };
  assert.equal((await call(one.url, 'DELETE', `/v3/endpoints/${own.id}`, { headers: h })).status, 404, "this server's own endpoints are configuration");
  const listed = await call(one.url, 'GET', '/v3/endpoints?region_id=RegionTwo', { headers: h });
  assert.deepEqual(listed.json.endpoints.map((e: { url: string }) => e.url), [two.url]);
});

test('RegionOne pulls from RegionTwo: data identical (size, md5, sha512), formats and extra_properties copied, the rest not', async () => {
  const src = await remoteImage(two);
  const { id, img, tasks } = await imported(one, 'RegionTwo', src.id);
  assert.equal(tasks[0].status, 'success', tasks[0].message);
  assert.equal(img.status, 'active');
  assert.equal(img.size, DATA.length);
  assert.equal(img.checksum, src.checksum);
  assert.equal(img.os_hash_value, sha512(DATA));
  assert.equal(img.disk_format, 'raw');
  assert.equal(img.container_format, 'bare');
  assert.equal(img.hw_disk_bus, 'scsi');
  assert.equal(img.os_distro, 'debian');
  assert.equal(img['trait:CUSTOM_FAST'], 'required');
  assert.equal(img.architecture, 'aarch64', 'not one of the default prefixes: the local value stays');
  assert.equal(img.owner_note, undefined);
  assert.deepEqual(tasks[0].input.import_req, download('RegionTwo', src.id, { glance_service_interface: 'public' }));
  const down = await fetch(`${one.url}/v2/images/${id}/file`, { headers: { 'X-Auth-Token': demoToken } });
  assert.equal(md5(new Uint8Array(await down.arrayBuffer())), md5(DATA));
});

test('RegionTwo pulls from RegionOne (its catalog read from the shared Keystone; region matched case-insensitively) into both its stores', async () => {
  const src = await remoteImage(one);
  const c = as(two, demoToken);
  const img = await c.create({ name: 'copy', disk_format: 'qcow2', container_format: 'ovf' });
  const r = await c.post(`/v2/images/${img.id}/import`, { ...download('regionone', src.id), all_stores: true });
  assert.equal(r.status, 202, r.text);
  const { img: done, tasks } = await settled(two, img.id);
  assert.equal(tasks[0].status, 'success', tasks[0].message);
  assert.equal(done.checksum, md5(DATA));
  assert.equal(done.os_distro, 'debian');
  assert.deepEqual(done.stores.split(',').sort(), ['bulk', 'fast']);
  for (const store of ['fast', 'bulk']) assert.ok(filesOf(path.join(two.dir, store)).some((f) => f.includes(img.id)), store);
  assert.deepEqual(filesOf(path.join(two.dir, 'staging')), [], 'the download was staged once, then removed');
});

test("400s as images.py: no glance_region, no glance_image_id, an id that is not a UUID; reader 403, other project's image 404", async () => {
  const c = as(one, demoToken);
  const img = await c.create({ name: 'x', disk_format: 'raw', container_format: 'bare' });
  const post = async (body: object, cl = c) => {
    const r = await cl.post(`/v2/images/${img.id}/import`, body);
    return { status: r.status, text: r.text.replaceAll('&#x27;', "'") }; // Glance's HTML error page escapes quotes
  };
  const r1 = await post({ method: { name: 'glance-download', glance_image_id: randomUUID() } });
  assert.equal(r1.status, 400);
  assert.match(r1.text, /'glance_region' needs to be set for glance-download import method/);
  const r2 = await post({ method: { name: 'glance-download', glance_region: 'RegionTwo' } });
  assert.equal(r2.status, 400);
  assert.match(r2.text, /'glance_image_id' needs to be set for glance-download import method/);
  const r3 = await post(download('RegionTwo', 'not-a-uuid'));
  assert.equal(r3.status, 400);
  assert.match(r3.text, /Remote image id does not look like a UUID: not-a-uuid/);
  assert.equal((await post(download('RegionTwo', randomUUID()), as(one, readerToken))).status, 403);
  assert.equal((await post(download('RegionTwo', randomUUID()), as(one, otherToken))).status, 404);
  assert.equal((await c.get(`/v2/images/${img.id}`)).json.status, 'queued');
  assert.equal((await c.get(`/v2/images/${img.id}/tasks`)).json.tasks.length, 0, 'a refused request makes no task');
});

/** A failed import: task failure with `message`, image queued with its own formats and properties, nothing stored. */
async function failsWith(region: string, remoteId: string, message: string | RegExp, token = demoToken) {
  const before = filesOf(path.join(one.dir, 'images'));
  const { img, tasks } = await imported(one, region, remoteId, token);
  assert.equal(tasks[0].status, 'failure');
  if (typeof message === 'string') assert.equal(tasks[0].message, message);
  else assert.match(tasks[0].message, message);
  assert.equal(img.status, 'queued');
  assert.equal(img.disk_format, 'qcow2');
  assert.equal(img.container_format, 'ovf');
  assert.equal(img.os_distro, undefined);
  assert.equal(img.hw_disk_bus, undefined);
  assert.deepEqual(filesOf(path.join(one.dir, 'images')), before);
}

test('a region missing from the catalog: accepted, then the task fails as Glance (GlanceEndpointNotFound)', async () => {
  await failsWith('RegionNine', randomUUID(), 'public glance endpoint not found for region RegionNine');
  const { tasks } = await imported(one, 'RegionTwo', randomUUID(), demoToken, { glance_service_interface: 'internal' });
  assert.equal(tasks[0].message, 'internal glance endpoint not found for region RegionTwo');
});

test('the remote image missing, not active, or not visible to the user: the task fails, nothing kept', async () => {
  await failsWith('RegionTwo', randomUUID(), 'HTTP Error 404: Not Found');
  const queued = await as(two, demoToken).create({ name: 'empty', disk_format: 'raw', container_format: 'bare' });
  await failsWith('RegionTwo', queued.id, 'Source image status should be active instead of queued');
  const foreign = await remoteImage(two, DATA, otherToken); // private to project other
  await failsWith('RegionTwo', foreign.id, 'HTTP Error 404: Not Found');
});

test('the remote region unreachable: the task fails saying so', async () => {
  await failsWith('RegionDead', randomUUID(), /^glance-download of http:\/\/127\.0\.0\.1:\d+\/v2\/images\/[0-9a-f-]+ failed: connection refused$/);
});

test('data refused after the metadata was copied (over image_size_cap): formats and properties undone, nothing stored', async () => {
  const big = await remoteImage(two, BIG);
  await failsWith('RegionTwo', big.id, /too large/i);
});

test("data that is not the remote image (size or checksum differ from its metadata): the task fails, nothing kept; the user's token went with both requests", async () => {
  await failsWith('RegionFake', BAD_SIZE, new RegExp(`^Task [0-9a-f-]+ failed because downloaded data size ${DATA.length} is different from expected ${DATA.length + 1}$`));
  await failsWith('RegionFake', BAD_SUM, /failed because the downloaded data's checksum [0-9a-f]{32} is different from the remote image's 0{32}$/);
  assert.deepEqual(fakeSaw.map((r) => r.url), [`/v2/images/${BAD_SIZE}`, `/v2/images/${BAD_SIZE}/file`, `/v2/images/${BAD_SUM}`, `/v2/images/${BAD_SUM}/file`]);
  assert.ok(fakeSaw.every((r) => r.token === demoToken));
});

test("a redirect of the data to another origin is followed (it passes the filters) without the user's token", async () => {
  const { img, tasks } = await imported(one, 'RegionFake', REDIRECTED);
  assert.equal(tasks[0].status, 'success', tasks[0].message);
  assert.equal(img.checksum, md5(DATA));
  assert.equal(img.os_distro, 'fake');
  assert.deepEqual(elsewhereSaw, [undefined]);
});

// The operator's side with the real client. (Debian's glanceclient cannot send a glance-download
// import: its image-import reads args "remote-region" with a hyphen, always None; so the import is sent as HTTP.)
test('`openstack endpoint create --region RegionCli image public URL` lists a region an import can then use; `endpoint delete` removes it', async () => {
  const env = readOpenrc(one.openrc);
  const created = await runCli('openstack', ['endpoint', 'create', '--region', 'RegionCli', 'image', 'public', two.url], env, one.dir);
  assert.equal(created.code, 0, created.stderr);
  const ep = parseFields(created.stdout);
  assert.equal(ep.region, 'RegionCli');
  assert.equal(ep.service_type, 'image');
  assert.equal(ep.url, two.url);
  const src = await remoteImage(two);
  const { img, tasks } = await imported(one, 'RegionCli', src.id);
  assert.equal(tasks[0].status, 'success', tasks[0].message);
  assert.equal(img.checksum, md5(DATA));
  const gone = await runCli('openstack', ['endpoint', 'delete', ep.id], env, one.dir);
  assert.equal(gone.code, 0, gone.stderr);
  const cat = await call(one.url, 'GET', '/v3/auth/catalog', { headers: { 'X-Auth-Token': demoToken } });
  assert.ok(!JSON.stringify(cat.json).includes('RegionCli'));
});
