// copy-image with three file stores (fast, the default; slow; cold) against
// the real server: copies into named stores and all_stores, every 400/403/
// 404/409 rule in the words real Glance 25.1 answered (recorded in
// tests/fixtures/glance-copy-image.txt), and failures: a store whose
// directory vanished under all_stores_must_succeed true (the copies made are
// removed) and false (the others keep theirs), a source whose bytes no longer
// match the image's hash, a source that is gone. The image stays active
// throughout; nothing is left in the target stores or in staging on failure.
// A copy cut short by a restart runs again when the server is back.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import * as mariadb from 'mariadb';
import { poolConfigFromUrl } from '../../../lib/db/url';
import { startServer, removeDir, type TestServer } from '../../helpers/server';
import { client } from '../../helpers/http';
import { events, md5, waitFor } from '../../helpers/data';

let server: TestServer;
const STORES = ['fast', 'slow', 'cold'];
const identity = (project: string, roles: string) => ({
  'X-Identity-Status': 'Confirmed', 'X-Project-Id': project, 'X-User-Id': `${project}-${roles.split(',')[0]}`, 'X-Roles': roles, Accept: '*/*',
});
let admin: ReturnType<typeof client>;
let member: ReturnType<typeof client>;
let reader: ReturnType<typeof client>;
let other: ReturnType<typeof client>;
const storeDir = (s: string) => path.join(server.dir, s);
const explanation = (html: string) => /<h1>[^<]*<\/h1>\n {2}(.*)<br \/><br \/>/s.exec(html)?.[1];
const copy = (stores: unknown, extra: object = {}) => ({ method: { name: 'copy-image' }, ...(stores === undefined ? {} : { stores }), ...extra });

function multiStore(dir: string): string {
  for (const s of [...STORES, 'staging']) mkdirSync(path.join(dir, s), { recursive: true });
  return [
    'default_backend = fast',
    '[DEFAULT]',
    'enabled_backends = fast:file, slow:file, cold:file',
    `node_staging_uri = file://${path.join(dir, 'staging')}`,
    ...STORES.flatMap((s) => [`[${s}]`, `filesystem_store_datadir = ${path.join(dir, s)}`]),
  ].join('\n');
}

before(async () => {
  server = await startServer({ flavor: 'trusted-headers', storeConfig: multiStore });
  admin = client(server.url, identity('admin-project', 'admin,member,reader'));
  member = client(server.url, identity('demo-project', 'member,reader'));
  reader = client(server.url, identity('demo-project', 'reader'));
  other = client(server.url, identity('alt-project', 'member,reader'));
});

after(async () => {
  if (process.env.SHOW_SERVER_OUTPUT) console.log(server?.output());
  await server?.stop();
  if (server) removeDir(server.dir);
});

/** An active image of demo-project with `data` in fast (the default store). */
async function uploaded(data: Uint8Array) {
  const img = await member.createWithData(data, { name: 'copy-src', disk_format: 'raw', container_format: 'bare' });
  assert.equal(img.status, 'active');
  assert.equal(img.stores, 'fast');
  return img.id as string;
}

/** The image once no import task of it is pending or running. */
async function settled(id: string) {
  return waitFor(`image ${id}'s copy to end`, async () => {
    const img = (await admin.get(`/v2/images/${id}`)).json;
    if ('os_glance_import_task' in img) return undefined;
    const tasks = (await admin.get(`/v2/images/${id}/tasks`)).json.tasks as { status: string }[];
    return tasks.some((t) => t.status === 'pending' || t.status === 'processing') ? undefined : img;
  });
}

const holding = (id: string) => STORES.filter((s) => existsSync(storeDir(s)) && readdirSync(storeDir(s)).some((f) => f.includes(id)));
const staged = (id: string) => readdirSync(storeDir('staging')).filter((f) => f.includes(id));
const tasksOf = async (id: string) => (await admin.get(`/v2/images/${id}/tasks`)).json.tasks as Record<string, any>[]; // eslint-disable-line @typescript-eslint/no-explicit-any

test('/v2/info/import lists copy-image when there are several stores', async () => {
  assert.deepEqual((await member.get('/v2/info/import')).json['import-methods'].value, ['glance-direct', 'web-download', 'copy-image']);
});

test('copy into a named store, then all_stores: the image stays active, a location per store, the same bytes', async () => {
  const data = new Uint8Array(randomBytes(3 * 1048576 + 17));
  const id = await uploaded(data);
  const r = await admin.post(`/v2/images/${id}/import`, copy(['slow']));
  assert.equal(r.status, 202, r.text);
  assert.equal(r.text, '');
  const img = await settled(id);
  assert.equal(img.status, 'active');
  assert.equal(img.stores, 'fast,slow');
  assert.equal(img.checksum, md5(data));
  assert.equal(img.os_glance_importing_to_stores, '');
  assert.equal(img.os_glance_failed_import, '');
  assert.deepEqual(holding(id), ['fast', 'slow']);
  assert.ok(Buffer.from(data).equals(readFileSync(path.join(storeDir('slow'), id))), 'slow holds the same bytes');
  const [task] = await tasksOf(id);
  assert.equal(task.status, 'success');
  assert.equal(task.owner, 'admin-project', 'the task is the caller\'s, as Glance');
  assert.deepEqual(task.input, { image_id: id, import_req: copy(['slow']), backend: ['slow'] });
  assert.deepEqual(task.result, { image_id: id });
  assert.equal(task.message, 'Copied 3 MiB');
  assert.deepEqual((await events(server, id)).filter((e) => e.to_status === 'importing' || e.from_status === 'importing'), [], 'never importing');

  assert.equal((await admin.post(`/v2/images/${id}/import`, copy(undefined, { all_stores: true }))).status, 202);
  const all = await settled(id);
  assert.equal(all.stores, 'fast,slow,cold');
  const tasks = await tasksOf(id);
  assert.equal(tasks.length, 2);
  assert.deepEqual(tasks.find((t) => t.id !== task.id)!.input.backend, ['cold'], 'all_stores leaves out the stores that hold it');
  // Already everywhere: 202, and no task at all (Glance).
  const again = await admin.post(`/v2/images/${id}/import`, copy(undefined, { all_stores: true }));
  assert.equal(again.status, 202);
  assert.equal((await tasksOf(id)).length, 2);
});

test('the request rules, in Glance\'s order and words', async () => {
  const id = await uploaded(new Uint8Array(randomBytes(4000)));
  const refused = async (as: ReturnType<typeof client>, status: number, text: string, body: object = copy(['slow']), image = id) => {
    const r = await as.post(`/v2/images/${image}/import`, body);
    assert.equal(r.status, status, r.text);
    assert.equal(explanation(r.text), text);
  };
  await refused(member, 403, 'You are not authorized to complete copy_image action.');
  await refused(reader, 403, 'You are not authorized to complete copy_image action.');
  await refused(other, 404, `No image found with ID ${id}`);
  const queued = await member.create({ name: 'q', disk_format: 'raw', container_format: 'bare' });
  await refused(admin, 409, 'Only images with status active can be targeted for copying', copy(['slow']), queued.id);
  await refused(member, 409, 'Only images with status active can be targeted for copying', copy(['slow']), queued.id);
  await refused(admin, 400, 'Image is already present at store &#x27;fast&#x27;', copy(['slow', 'fast']));
  await refused(admin, 400, 'Image is already present at store &#x27;fast&#x27;', copy(undefined));
  await refused(admin, 409, 'Store for identifier nope not found', copy(['nope']));
  await refused(admin, 409, 'Store for identifier nope not found', copy(['fast', 'nope']));
  await refused(admin, 409, 'Store for identifier s not found', copy('slow')); // Glance iterates the string
  await refused(admin, 400, 'All_stores parameter can&#x27;t be used with x-image-meta-store header or stores parameter', copy(['slow'], { all_stores: true }));
  assert.equal((await admin.post(`/v2/images/${id}/actions/deactivate`)).status, 204);
  await refused(admin, 409, 'Only images with status active can be targeted for copying');
  assert.deepEqual(await tasksOf(id), [], 'no refused request left a task');
  assert.deepEqual(holding(id), ['fast']);
});

test('a failing store: all_stores_must_succeed true keeps nothing of the copy, false keeps the others\'', async () => {
  const data = new Uint8Array(randomBytes(65536));
  const strict = await uploaded(data);
  const lenient = await uploaded(data);
  const alone = await uploaded(data);
  rmSync(storeDir('cold'), { recursive: true }); // the store's directory vanishes under the server
  try {
    assert.equal((await admin.post(`/v2/images/${strict}/import`, copy(['slow', 'cold']))).status, 202);
    const failed = await settled(strict);
    assert.equal(failed.status, 'active');
    assert.equal(failed.stores, 'fast');
    assert.equal(failed.os_glance_failed_import, 'cold');
    assert.equal(failed.os_glance_importing_to_stores, '');
    assert.deepEqual(holding(strict), ['fast'], 'the copy already made in slow is removed');
    const [task] = await tasksOf(strict);
    assert.equal(task.status, 'failure');
    assert.ok(task.message.length > 0, 'the task says why');
    assert.equal(task.result, null);
    assert.equal((await member.get(`/v2/images/${strict}/file`)).status, 200, 'the image is still served');

    assert.equal((await admin.post(`/v2/images/${lenient}/import`, copy(['cold', 'slow'], { all_stores_must_succeed: false }))).status, 202);
    const kept = await settled(lenient);
    assert.equal(kept.status, 'active');
    assert.equal(kept.stores, 'fast,slow');
    assert.equal(kept.os_glance_failed_import, 'cold');
    assert.equal(kept.os_glance_importing_to_stores, '');
    assert.equal((await tasksOf(lenient))[0].status, 'success');

    // Every target failed but all_stores_must_succeed is false: Glance still calls the task a success.
    assert.equal((await admin.post(`/v2/images/${alone}/import`, copy(['cold'], { all_stores_must_succeed: false }))).status, 202);
    const none = await settled(alone);
    assert.equal(none.stores, 'fast');
    assert.equal(none.os_glance_failed_import, 'cold');
    assert.equal((await tasksOf(alone))[0].status, 'success');
  } finally {
    mkdirSync(storeDir('cold'));
  }
  // A later copy into the store that failed clears it from os_glance_failed_import.
  assert.equal((await admin.post(`/v2/images/${strict}/import`, copy(['cold']))).status, 202);
  const healed = await settled(strict);
  assert.equal(healed.stores, 'fast,cold');
  assert.equal(healed.os_glance_failed_import, '');
  for (const id of [strict, lenient, alone]) assert.deepEqual(staged(id), [], 'nothing staged');
});

test('a source that no longer matches the image\'s hash, or is gone: the task fails, nothing is copied', async () => {
  const data = new Uint8Array(randomBytes(200_000));
  const corrupt = await uploaded(data);
  const file = path.join(storeDir('fast'), corrupt);
  const bytes = readFileSync(file);
  bytes[100] ^= 0xff;
  writeFileSync(file, bytes);
  assert.equal((await admin.post(`/v2/images/${corrupt}/import`, copy(['slow']))).status, 202);
  const img = await settled(corrupt);
  assert.equal(img.status, 'active');
  assert.equal(img.stores, 'fast');
  assert.equal(img.os_glance_failed_import, 'slow');
  const [task] = await tasksOf(corrupt);
  assert.equal(task.status, 'failure');
  assert.equal(task.message, 'os_hash_value of uploaded data is different from current value set on the image.');
  assert.deepEqual(holding(corrupt), ['fast'], 'the mismatching copy is removed (Glance leaves it)');

  const gone = await uploaded(data);
  rmSync(path.join(storeDir('fast'), gone));
  assert.equal((await admin.post(`/v2/images/${gone}/import`, copy(['slow', 'cold']))).status, 202);
  const lost = await settled(gone);
  assert.equal(lost.status, 'active');
  assert.equal(lost.os_glance_importing_to_stores, '', 'no store is left marked as importing');
  const [t] = await tasksOf(gone);
  assert.equal(t.status, 'failure');
  assert.equal(t.message, 'Image not found in any configured store');
  assert.deepEqual(holding(gone), []);
  assert.deepEqual(staged(gone), []);
});

test('a copy cut short by a restart runs again when the server comes back: the image active, the copy in place', async () => {
  const data = new Uint8Array(randomBytes(300_000));
  const id = await uploaded(data);
  const prev = server;
  await prev.stop(); // its pool goes with it: the rows below are written over a connection of our own
  // What a kill mid-copy leaves: the task processing, the lock held, a partial copy in slow, the image active.
  const task = randomUUID();
  const conn = await mariadb.createConnection(poolConfigFromUrl(prev.databaseUrl));
  try {
    await conn.query(`INSERT INTO tasks (id, type, status, owner, image_id, created_at, updated_at, deleted) VALUES (?, 'api_image_import', 'processing', 'admin-project', ?, UTC_TIMESTAMP(), UTC_TIMESTAMP(), 0)`, [task, id]);
    await conn.query(`INSERT INTO task_info (task_id, input, result, message) VALUES (?, ?, NULL, '')`, [task, JSON.stringify({ image_id: id, import_req: copy(['slow']), backend: ['slow'] })]);
    await conn.query(`INSERT INTO image_properties (image_id, name, value, created_at, deleted) VALUES (?, 'os_glance_import_task', ?, UTC_TIMESTAMP(), 0), (?, 'os_glance_importing_to_stores', 'slow', UTC_TIMESTAMP(), 0)`, [id, task, id]);
  } finally {
    await conn.end();
  }
  writeFileSync(path.join(storeDir('slow'), `.${id}.partial`), data.subarray(0, 1000));
  server = await startServer({ flavor: 'trusted-headers', databaseUrl: prev.databaseUrl, dir: prev.dir, storeConfig: multiStore });
  admin = client(server.url, identity('admin-project', 'admin,member,reader'));
  const img = await settled(id);
  assert.equal(img.status, 'active');
  assert.equal(img.stores, 'fast,slow');
  assert.equal(img.os_glance_importing_to_stores, '');
  assert.ok(Buffer.from(data).equals(readFileSync(path.join(storeDir('slow'), id))));
  assert.deepEqual(readdirSync(storeDir('slow')).filter((f) => f.includes(id)), [id], 'the partial copy is gone');
  const [t] = await tasksOf(id);
  assert.equal(t.id, task);
  assert.equal(t.status, 'success');
});
