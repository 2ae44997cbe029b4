// Interoperable import, glance-direct, single store: PUT /stage + POST
// /import end to end, the task rows and the tasks API, every 400/403/409 rule
// with the words real Glance 25.1 answered (trusted-headers, recorded
// 2026-12-01 against ../shared/tools/reference-glance.sh MODE=headers), the
// import lock, and failures that leave nothing staged or stored.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { startServer, removeDir, type TestServer } from '../../helpers/server';
import { client } from '../../helpers/http';
import { md5, qcow2, RawRequest, waitFor } from '../../helpers/data';

let server: TestServer;
let dir: string;
const identity = (project: string, roles: string) => ({
  'X-Identity-Status': 'Confirmed', 'X-Project-Id': project, 'X-User-Id': `${project}-${roles.split(',')[0]}`, 'X-Roles': roles, Accept: '*/*',
});
let admin: ReturnType<typeof client>;
let member: ReturnType<typeof client>;
let other: ReturnType<typeof client>;
const CAP = 4 * 1048576;
const OCTETS = { 'Content-Type': 'application/octet-stream' };
const staging = () => path.join(dir, 'staging');
const images = () => path.join(dir, 'images');
const filesOf = (d: string) => readdirSync(d).filter((f) => !f.startsWith('.tus'));

before(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'glance-import-'));
  mkdirSync(path.join(dir, 'staging'));
  server = await startServer({
    dir,
    flavor: 'trusted-headers',
    extraConfig: `[DEFAULT]\nnode_staging_uri = file://${path.join(dir, 'staging')}\nimage_size_cap = ${CAP}\n`,
  });
  admin = client(server.url, identity('admin-project', 'admin,member,reader'));
  member = client(server.url, identity('demo-project', 'member,reader'));
  other = client(server.url, identity('alt-project', 'member,reader'));
});

after(async () => {
  if (process.env.SHOW_SERVER_OUTPUT) console.log(server?.output()); // a failing run's server log
  await server?.stop();
  if (dir) removeDir(dir);
});

/** The error page's message line, as webob writes it (HTML, Accept: *\/*). */
const explanation = (html: string) => /<h1>[^<]*<\/h1>\n {2}(.*)<br \/><br \/>/s.exec(html)?.[1];

async function staged(as: ReturnType<typeof client>, data: Uint8Array<ArrayBuffer>, body: object = {}) {
  const img = await as.create({ name: 'imp', disk_format: 'raw', container_format: 'bare', ...body });
  const r = await as.put(`/v2/images/${img.id}/stage`, data, OCTETS);
  assert.equal(r.status, 204, r.text);
  return img.id as string;
}

const importBody = { method: { name: 'glance-direct' } };

/** The image once its import ended: status settled and, as Glance finishes, its task ended and the lock dropped. */
async function settled(id: string) {
  return waitFor(`image ${id} to leave importing`, async () => {
    const img = (await admin.get(`/v2/images/${id}`)).json;
    if (img.status === 'importing' || img.status === 'uploading' || 'os_glance_import_task' in img) return undefined;
    const tasks = (await admin.get(`/v2/images/${id}/tasks`)).json.tasks as { status: string }[];
    return tasks.some((t) => t.status === 'pending' || t.status === 'processing') ? undefined : img;
  });
}

test('stage then import: 204, uploading with its size, 202, active with the data, the task as Glance shows it', async () => {
  const data = new Uint8Array(randomBytes(1048576));
  const img = await member.create({ name: 'imported', disk_format: 'raw', container_format: 'bare' });
  const st = await member.put(`/v2/images/${img.id}/stage`, data, OCTETS);
  assert.equal(st.status, 204);
  assert.equal(st.headers.get('content-type'), 'text/html; charset=UTF-8');
  const shown = (await member.get(`/v2/images/${img.id}`)).json;
  assert.equal(shown.status, 'uploading');
  assert.equal(shown.size, 1048576);
  assert.equal('os_glance_stage_host' in shown, false, 'a hidden property');
  // The data, and the sums computed while it was written (md5, sha512, format findings).
  assert.deepEqual(filesOf(staging()).filter((f) => !f.endsWith('.json')), [img.id, `${img.id}.sums`]);

  const r = await member.post(`/v2/images/${img.id}/import`, importBody);
  assert.equal(r.status, 202);
  assert.equal(r.text, '');
  assert.equal(r.headers.get('content-type'), 'text/html; charset=UTF-8');
  assert.equal(r.headers.get('content-length'), '0');
  const done = await settled(img.id);
  assert.equal(done.status, 'active');
  assert.equal(done.checksum, md5(data));
  assert.equal(done.size, 1048576);
  // As Glance leaves them after a single-store import: the progress lists empty, the lock gone.
  assert.equal(done.os_glance_importing_to_stores, '');
  assert.equal(done.os_glance_failed_import, '');
  assert.equal('os_glance_import_task' in done, false);
  assert.deepEqual(Object.keys(done).slice(0, 2), ['os_glance_importing_to_stores', 'os_glance_failed_import']);
  const down = await fetch(`${server.url}/v2/images/${img.id}/file`, { headers: identity('demo-project', 'member,reader') });
  assert.equal(md5(new Uint8Array(await down.arrayBuffer())), md5(data));
  assert.deepEqual(filesOf(staging()), [], 'nothing left in staging');

  // GET /v2/images/{id}/tasks: Glance's database rows.
  const tasks = (await member.get(`/v2/images/${img.id}/tasks`)).json.tasks;
  assert.equal(tasks.length, 1);
  const t = tasks[0];
  assert.deepEqual(Object.keys(t), ['id', 'type', 'status', 'owner', 'expires_at', 'created_at', 'updated_at', 'deleted_at', 'deleted', 'image_id', 'request_id', 'user_id', 'input', 'result', 'message']);
  assert.equal(t.type, 'api_image_import');
  assert.equal(t.status, 'success');
  assert.equal(t.owner, 'demo-project');
  assert.equal(t.user_id, 'demo-project-member');
  assert.equal(t.request_id, r.headers.get('x-openstack-request-id'));
  assert.deepEqual(t.input, { image_id: img.id, import_req: importBody, backend: [null] });
  assert.deepEqual(t.result, { image_id: img.id });
  assert.equal(t.message, 'Copied 1 MiB');
  assert.match(t.expires_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000000$/);
  // task_time_to_live: 48 h after the task ended.
  assert.equal(Date.parse(`${t.expires_at}Z`) - Date.parse(`${t.updated_at}Z`), 48 * 3600_000);

  // GET /v2/tasks/{id} (admin: tasks_api_access): Glance's task view, keys in its order.
  const one = await admin.get(`/v2/tasks/${t.id}`);
  assert.equal(one.status, 200);
  assert.deepEqual(Object.keys(one.json), ['id', 'input', 'type', 'status', 'owner', 'message', 'result', 'created_at', 'updated_at', 'self', 'schema', 'image_id', 'request_id', 'user_id', 'expires_at']);
  assert.equal(one.json.self, `/v2/tasks/${t.id}`);
  assert.equal(one.json.schema, '/v2/schemas/task');
  assert.match(one.json.expires_at, /Z$/);
  const denied = await member.get(`/v2/tasks/${t.id}`);
  assert.equal(denied.status, 403);
  assert.equal(explanation(denied.text), 'You are not authorized to complete tasks_api_access action.');
  const list = await admin.get('/v2/tasks?limit=1');
  assert.equal(list.status, 200);
  assert.equal(list.json.first, '/v2/tasks?limit=1');
  assert.equal(list.json.schema, '/v2/schemas/tasks');
  assert.equal(list.json.next, `/v2/tasks?limit=1&marker=${list.json.tasks[0].id}`);
  assert.deepEqual(Object.keys(list.json.tasks[0]), ['id', 'type', 'status', 'owner', 'created_at', 'updated_at', 'self', 'schema', 'expires_at']);
  for (const schema of ['task', 'tasks']) assert.equal((await admin.get(`/v2/schemas/${schema}`)).json.name, schema);
});

test('the tasks API refuses what Glance refuses, in its words', async () => {
  const cases: [string, number, string][] = [
    [`/v2/tasks/${randomUUID()}`, 404, 'Could not find task '],
    ['/v2/tasks?sort_key=foo', 400, 'Sort key supplied was not valid.'],
    ['/v2/tasks?limit=x', 400, 'limit param must be an integer'],
    ['/v2/tasks?marker=zz', 400, 'Invalid marker format'],
    ['/v2/tasks?status=zz', 400, 'Invalid status value: zz'],
    ['/v2/tasks?sort_dir=up', 400, 'Invalid sort direction: up'],
  ];
  for (const [url, status, words] of cases) {
    const r = await admin.get(url);
    assert.equal(r.status, status, url);
    assert.ok(explanation(r.text)?.startsWith(words), `${url}: ${r.text}`);
  }
  const marker = randomUUID();
  assert.equal(explanation((await admin.get(`/v2/tasks?marker=${marker}`)).text), `Task with the given id ${marker} was not found`);
  // An image the caller cannot see: the plain 404.
  const hidden = await member.create({ name: 'private', visibility: 'private' });
  const r = await other.get(`/v2/images/${hidden.id}/tasks`);
  assert.equal(r.status, 404);
  assert.equal(explanation(r.text), 'The resource could not be found.');
});

test('import body rules: 400s in Glance\'s order and words', async () => {
  const id = (await member.create({ name: 'q', disk_format: 'raw', container_format: 'bare' })).id;
  const cases: [object | null, string][] = [
    [null, 'Body expected in request.'],
    [{}, 'Import request requires a &#x27;method&#x27; field.'],
    [{ method: {} }, 'Import request requires a &#x27;name&#x27; field.'],
    [{ method: { name: 'bogus' } }, 'Unknown import method name &#x27;bogus&#x27;.'],
    // Loopback is refused unless [import_filtering_opts] allows it.
    [{ method: { name: 'web-download', uri: 'http://127.0.0.1/x' } }, 'URI for web-download does not pass filtering: http://127.0.0.1/x'],
    [{ method: { name: 'glance-direct' }, all_stores_must_succeed: 'yes', all_stores: 1 }, '&#x27;all_stores_must_succeed&#x27; must be boolean value only'],
    [{ method: { name: 'glance-direct' }, all_stores: 'yes' }, '&#x27;all_stores&#x27; must be boolean value only'],
  ];
  for (const [body, words] of cases) {
    const r = body === null ? await member.call('POST', `/v2/images/${id}/import`) : await member.post(`/v2/images/${id}/import`, body);
    assert.equal(r.status, 400, JSON.stringify(body));
    assert.equal(explanation(r.text), words, JSON.stringify(body));
  }
  // Where Glance answers 500 (a list, a method that is not an object), a clear 400.
  for (const body of [[], { method: 'x' }]) assert.equal((await member.post(`/v2/images/${id}/import`, body)).status, 400);
});

test('409s: not staged, active, staged twice, formats missing; 400 all_stores_must_succeed without stores', async () => {
  const queued = (await member.create({ name: 'q', disk_format: 'raw', container_format: 'bare' })).id;
  let r = await member.post(`/v2/images/${queued}/import`, importBody);
  assert.equal(r.status, 409);
  assert.equal(explanation(r.text), 'Image needs to be staged before &#x27;glance-direct&#x27; method can be used');
  // The status check comes before the stores and all_stores_must_succeed checks, as in Glance.
  r = await member.post(`/v2/images/${queued}/import`, { ...importBody, all_stores_must_succeed: false });
  assert.equal(r.status, 409);

  const data = new Uint8Array(randomBytes(4096));
  const active = (await member.createWithData(data, { disk_format: 'raw', container_format: 'bare' })).id;
  r = await member.post(`/v2/images/${active}/import`, importBody);
  assert.equal(r.status, 409);
  assert.equal(explanation(r.text), 'Image with status active cannot be target for import');
  r = await member.put(`/v2/images/${active}/stage`, data, OCTETS);
  assert.equal(r.status, 409);
  assert.equal(explanation(r.text), 'Image status transition from active to uploading is not allowed');

  const twice = await staged(member, data);
  r = await member.put(`/v2/images/${twice}/stage`, data, OCTETS);
  assert.equal(r.status, 409);
  assert.equal(explanation(r.text), 'Image status transition from uploading to uploading is not allowed');
  r = await member.post(`/v2/images/${twice}/import`, { ...importBody, all_stores_must_succeed: false });
  assert.equal(r.status, 400);
  assert.equal(explanation(r.text), 'All_stores_must_succeed can only be set with enabled_backends None');
  // Single store: `stores` is not looked at (Glance accepted this too).
  r = await member.post(`/v2/images/${twice}/import`, { ...importBody, stores: ['x'] });
  assert.equal(r.status, 202);
  assert.equal((await settled(twice)).status, 'active');

  const noFormats = (await member.create({ name: 'nofmt' })).id;
  assert.equal((await member.put(`/v2/images/${noFormats}/stage`, data, OCTETS)).status, 204);
  r = await member.post(`/v2/images/${noFormats}/import`, importBody);
  assert.equal(r.status, 409);
  assert.equal(explanation(r.text), '&#x27;container_format&#x27; needs to be set before import');

  r = await member.put(`/v2/images/${queued}/stage`, data, { 'Content-Type': 'text/plain' });
  assert.equal(r.status, 415);
});

test('someone else\'s image: 404 when not visible, 403 "You do not own this image" when it is', async () => {
  const data = new Uint8Array(randomBytes(4096));
  const hidden = await staged(member, data);
  let r = await other.post(`/v2/images/${hidden}/import`, importBody);
  assert.equal(r.status, 404);
  assert.equal(explanation(r.text), `No image found with ID ${hidden}`);
  const pub = (await admin.create({ name: 'pub', disk_format: 'raw', container_format: 'bare', visibility: 'public' })).id;
  r = await other.put(`/v2/images/${pub}/stage`, data, OCTETS);
  assert.equal(r.status, 403);
  assert.equal(explanation(r.text), 'You do not own this image');
  assert.equal((await admin.put(`/v2/images/${pub}/stage`, data, OCTETS)).status, 204);
  r = await other.post(`/v2/images/${pub}/import`, importBody);
  assert.equal(r.status, 403);
  assert.equal(explanation(r.text), 'You do not own this image');
});

test('the import lock: a held lock is 409 "Image has active task"; an expired one is broken and its task failed', async () => {
  const data = new Uint8Array(randomBytes(8192));
  const id = await staged(member, data);
  const holder = randomUUID();
  await server.query(
    `INSERT INTO tasks (id, type, status, owner, image_id, created_at, updated_at, deleted) VALUES (?, 'api_image_import', 'processing', 'demo-project', ?, UTC_TIMESTAMP(), UTC_TIMESTAMP(), 0)`,
    [holder, id],
  );
  await server.query(`INSERT INTO task_info (task_id, input, result, message) VALUES (?, '{"backend": [null]}', NULL, '')`, [holder]);
  await server.query(`INSERT INTO image_properties (image_id, name, value, created_at, deleted) VALUES (?, 'os_glance_import_task', ?, UTC_TIMESTAMP(), 0)`, [id, holder]);
  let r = await member.post(`/v2/images/${id}/import`, importBody);
  assert.equal(r.status, 409);
  assert.equal(explanation(r.text), 'Image has active task');
  // Pending tasks get twice the time: 61 minutes is not enough.
  await server.query(`UPDATE tasks SET status = 'pending', updated_at = UTC_TIMESTAMP() - INTERVAL 61 MINUTE WHERE id = ?`, [holder]);
  assert.equal((await member.post(`/v2/images/${id}/import`, importBody)).status, 409);
  await server.query(`UPDATE tasks SET status = 'processing' WHERE id = ?`, [holder]);
  r = await member.post(`/v2/images/${id}/import`, importBody);
  assert.equal(r.status, 202);
  assert.equal((await settled(id)).status, 'active');
  const old = (await admin.get(`/v2/tasks/${holder}`)).json;
  assert.equal(old.status, 'failure');
  assert.equal(old.message, 'Expired lock preempted');
  assert.ok(old.expires_at);
  const tasks = (await member.get(`/v2/images/${id}/tasks`)).json.tasks;
  assert.deepEqual(tasks.map((t: { status: string }) => t.status).sort(), ['failure', 'success']);
  // A lock naming a task that no longer exists is stale at once.
  const id2 = await staged(member, data);
  await server.query(`INSERT INTO image_properties (image_id, name, value, created_at, deleted) VALUES (?, 'os_glance_import_task', ?, UTC_TIMESTAMP(), 0)`, [id2, randomUUID()]);
  assert.equal((await member.post(`/v2/images/${id2}/import`, importBody)).status, 202);
  assert.equal((await settled(id2)).status, 'active');
});

test('refused content: the task fails saying why, the image is queued again, nothing in staging or the store', async () => {
  // qcow2 content in a raw image: the format inspection refuses it before activation.
  const id = await staged(member, new Uint8Array(qcow2(1n << 30n)));
  const r = await member.post(`/v2/images/${id}/import`, importBody);
  assert.equal(r.status, 202);
  const img = await settled(id);
  assert.equal(img.status, 'queued');
  assert.equal('os_glance_import_task' in img, false, 'lock dropped');
  const [task] = (await member.get(`/v2/images/${id}/tasks`)).json.tasks;
  assert.equal(task.status, 'failure');
  assert.match(task.message, /qcow2/i);
  assert.ok(task.expires_at);
  assert.deepEqual(filesOf(staging()).filter((f) => f.startsWith(id)), []);
  assert.deepEqual(filesOf(images()).filter((f) => f.includes(id)), []);
  // Staged again, it imports.
  const data = new Uint8Array(randomBytes(2048));
  assert.equal((await member.put(`/v2/images/${id}/stage`, data, OCTETS)).status, 204);
  assert.equal((await member.post(`/v2/images/${id}/import`, importBody)).status, 202);
  assert.equal((await settled(id)).checksum, md5(data));
});

/** The sidecar PUT /stage wrote beside the staged file. */
const sumsOf = (id: string) => path.join(staging(), `${id}.sums`);
const readSums = (id: string) => JSON.parse(readFileSync(sumsOf(id), 'utf8'));

test('the import uses the sums recorded while staging: the staged file is moved, not read to hash it', async () => {
  const data = new Uint8Array(randomBytes(1048576 + 17));
  const id = await staged(member, data);
  const sums = readSums(id);
  assert.equal(sums.size, data.byteLength);
  assert.equal(sums.digests.checksum, md5(data), 'hashed while staging');
  assert.equal(sums.digests.osHashValue, createHash('sha512').update(data).digest('hex'));
  // Digests the file does not have: only an import that takes them as recorded, without reading the file, reports them.
  const recorded = { ...sums, digests: { ...sums.digests, checksum: '0123456789abcdef0123456789abcdef' } };
  writeFileSync(sumsOf(id), JSON.stringify(recorded));
  assert.equal((await member.post(`/v2/images/${id}/import`, importBody)).status, 202);
  const img = await settled(id);
  assert.equal(img.status, 'active');
  assert.equal(img.checksum, '0123456789abcdef0123456789abcdef');
  assert.equal(img.os_hash_value, sums.digests.osHashValue);
  assert.deepEqual(filesOf(staging()).filter((f) => f.startsWith(id)), []);
});

test('sums that are not the staged file\'s are not trusted: the import hashes the file itself', async () => {
  // Sums recorded for another size (whatever their digests say).
  const data = new Uint8Array(randomBytes(65536));
  const id = await staged(member, data);
  writeFileSync(sumsOf(id), JSON.stringify({ ...readSums(id), size: 65535, digests: { checksum: 'f'.repeat(32), osHashAlgo: 'sha512', osHashValue: 'f'.repeat(128) } }));
  assert.equal((await member.post(`/v2/images/${id}/import`, importBody)).status, 202);
  assert.equal((await settled(id)).checksum, md5(data));

  // The staged file replaced by other bytes of the same size after its sums were recorded.
  const first = new Uint8Array(randomBytes(65536));
  const second = new Uint8Array(randomBytes(65536));
  const replaced = await staged(member, first);
  const file = path.join(staging(), replaced);
  writeFileSync(`${file}.new`, second);
  renameSync(`${file}.new`, file);
  assert.equal((await member.post(`/v2/images/${replaced}/import`, importBody)).status, 202);
  const img = await settled(replaced);
  assert.equal(img.checksum, md5(second));
  assert.equal(img.os_hash_value, createHash('sha512').update(second).digest('hex'));

  // No sums at all (a stage cut short before they were written): hashed, and the format still inspected.
  const bare = await staged(member, new Uint8Array(qcow2(1n << 30n)));
  rmSync(sumsOf(bare));
  assert.equal((await member.post(`/v2/images/${bare}/import`, importBody)).status, 202);
  assert.equal((await settled(bare)).status, 'queued', 'qcow2 data in a raw image is refused all the same');
});

test('stage past image_size_cap is 413 and a hang-up mid-stage: nothing staged, image queued', async () => {
  const big = (await member.create({ name: 'big', disk_format: 'raw', container_format: 'bare' })).id;
  const r = await member.put(`/v2/images/${big}/stage`, new Uint8Array(randomBytes(CAP + 1)), OCTETS);
  assert.equal(r.status, 413);
  assert.equal(explanation(r.text), 'The incoming image is too large: The provided image is too large.');
  assert.equal((await member.get(`/v2/images/${big}`)).json.status, 'queued');
  assert.deepEqual(filesOf(staging()).filter((f) => f.startsWith(big)), []);

  const cut = (await member.create({ name: 'cut', disk_format: 'raw', container_format: 'bare' })).id;
  const head = [`PUT /v2/images/${cut}/stage HTTP/1.1`, 'Host: 127.0.0.1', 'Accept: */*', 'Content-Type: application/octet-stream',
    'Content-Length: 2097152', ...Object.entries(identity('demo-project', 'member,reader')).map(([k, v]) => `${k}: ${v}`)].join('\n') + '\n';
  const req = new RawRequest(server.port, head);
  await req.write(randomBytes(512 * 1024));
  await waitFor('staging to begin', async () => ((await member.get(`/v2/images/${cut}`)).json.status === 'uploading' ? true : undefined));
  req.destroy();
  await waitFor('the image back in queued', async () => ((await member.get(`/v2/images/${cut}`)).json.status === 'queued' ? true : undefined));
  await waitFor('nothing staged', async () => (filesOf(staging()).some((f) => f.startsWith(cut)) ? undefined : true));
});

test('/v2/info/import and the create header list only the enabled methods that work', async () => {
  const info = await member.get('/v2/info/import');
  assert.deepEqual(info.json['import-methods'].value, ['glance-direct', 'web-download']);
  const created = await member.post('/v2/images', { name: 'h' });
  assert.equal(created.headers.get('openstack-image-import-methods'), 'glance-direct,web-download');
});
