// [DEFAULT] delayed_delete as Glance: DELETE moves an image with data to
// pending_delete (the row marked deleted: GET 404, gone from lists, not
// counted in usage), its data stays in the store until scrub_time has passed
// and the server's scrubber (every wakeup_time) removes it and marks the
// image deleted; `npm run manage -- restore` brings a pending_delete image
// back with its data, and `npm run manage -- scrub` is the one-shot run. A
// store that refuses (remounted read-only) leaves the image pending_delete,
// and the next run finishes it. Time passing is made by moving deleted_at back.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { removeDir, startServer, type TestServer } from '../../helpers/server';
import { client } from '../../helpers/http';
import { events, md5, waitForStatus } from '../../helpers/data';
import { manage } from '../../helpers/manage';

const SCRUB_TIME = 3600;
let server: TestServer;
let api: ReturnType<typeof client>;
let store: string;

before(async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'glance-test-'));
  store = path.join(dir, 'store');
  mkdirSync(store);
  // A mount of its own, to turn read-only under the running server.
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=16m', 'tmpfs', store]);
  server = await startServer({
    dir,
    storeConfig: () => `filesystem_store_datadir = ${store}`,
    // user_storage_quota: room for two 300 kB images at a time, not three.
    extraConfig: `[DEFAULT]\ndelayed_delete = true\nscrub_time = ${SCRUB_TIME}\nwakeup_time = 1\nuser_storage_quota = 700000\n`,
  });
  api = client(server.url);
});

after(async () => {
  await server?.stop();
  if (store) execFileSync('umount', [store]);
  if (server) removeDir(server.dir);
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function newImage(name: string, data = randomBytes(300_000)) {
  const image = await api.createWithData(data, { name, disk_format: 'raw', container_format: 'bare', tags: ['keep'], color: 'blue' });
  return { image, data, file: path.join(store, image.id) };
}

async function rows(id: string) {
  const [image] = await server.query<{ status: string; deleted: number; deleted_at: string | null }>('SELECT status, deleted, deleted_at FROM images WHERE id = ?', [id]);
  const locations = await server.query<{ status: string; deleted: number }>('SELECT status, deleted FROM image_locations WHERE image_id = ? ORDER BY id', [id]);
  return { image, locations };
}

/** scrub_time passing: the delete moved back past it. */
const age = (id: string) => server.query(`UPDATE images SET deleted_at = deleted_at - INTERVAL ${SCRUB_TIME + 60} SECOND WHERE id = ?`, [id]);

const run = (args: string[], configFile?: string) => manage(server, args, configFile);

test('DELETE: pending_delete as Glance (GET 404, not listed, not counted), data kept until scrub_time, then scrubbed to deleted', async () => {
  const { image, file } = await newImage('doomed');

  const del = await api.del(`/v2/images/${image.id}`);
  assert.equal(del.status, 204);
  const shown = await api.get(`/v2/images/${image.id}`, { Accept: 'application/json' });
  assert.equal(shown.status, 404);
  assert.equal(shown.json.message, `No image found with ID ${image.id}<br /><br />\n\n\n`);
  const listed = await api.get('/v2/images?limit=1000');
  assert.ok(!listed.json.images.some((i: { id: string }) => i.id === image.id), 'a pending_delete image is not listed');
  assert.equal((await api.get(`/v2/images?status=pending_delete`)).json.images.length, 0);
  assert.equal((await api.get(`/v2/images/${image.id}/file`)).status, 404);
  assert.equal((await api.del(`/v2/images/${image.id}`)).status, 404, 'a second delete finds nothing');
  // Not counted in the storage quota (Glance): 300 kB pending + 600 kB new would be over 700 kB.
  const big = await api.createWithData(randomBytes(600_000), { name: 'big', disk_format: 'raw', container_format: 'bare' });
  assert.equal(big.status, 'active');
  assert.equal((await api.del(`/v2/images/${big.id}`)).status, 204);

  const r = await rows(image.id);
  assert.equal(r.image.status, 'pending_delete');
  assert.equal(r.image.deleted, 1);
  assert.deepEqual(r.locations, [{ status: 'pending_delete', deleted: 1 }]);
  assert.ok(existsSync(file), 'the data stays in the store');
  // Several wakeups pass: scrub_time has not.
  await sleep(2500);
  assert.equal((await rows(image.id)).image.status, 'pending_delete');
  assert.ok(existsSync(file));

  await age(image.id);
  await age(big.id);
  await waitForStatus(server, image.id, 'deleted');
  await waitForStatus(server, big.id, 'deleted');
  assert.ok(!existsSync(file), 'the scrubber removed the data');
  assert.deepEqual((await rows(image.id)).locations, [{ status: 'deleted', deleted: 1 }]);
  const actions = (await events(server, image.id)).map((e) => [e.action, e.from_status, e.to_status]);
  assert.deepEqual(actions.slice(-2), [['delayed_delete', 'active', 'pending_delete'], ['scrubbed', 'pending_delete', 'deleted']]);
});

test('an image without data and a deactivated one: deleted at once, and 400 as Glance (no pending_delete from deactivated)', async () => {
  const empty = await api.create({ name: 'no-data' });
  assert.equal((await api.del(`/v2/images/${empty.id}`)).status, 204);
  assert.equal((await rows(empty.id)).image.status, 'deleted');

  const { image, file } = await newImage('deactivated');
  assert.equal((await api.post(`/v2/images/${image.id}/actions/deactivate`)).status, 204);
  const del = await api.del(`/v2/images/${image.id}`, { Accept: 'application/json' });
  assert.equal(del.status, 400);
  assert.equal(del.json.message, 'Image status transition from deactivated to pending_delete is not allowed<br /><br />\n\n\n');
  assert.equal((await rows(image.id)).image.status, 'deactivated');
  assert.ok(existsSync(file));
});

test('npm run manage -- restore: back to active with its data, tags and properties; Glance\'s errors otherwise', async () => {
  const { image, data, file } = await newImage('restored');
  assert.equal((await api.del(`/v2/images/${image.id}`)).status, 204);

  const restored = await run(['restore', image.id]);
  assert.equal(restored.code, 0, restored.out);
  const shown = await api.get(`/v2/images/${image.id}`);
  assert.equal(shown.status, 200);
  assert.equal(shown.json.status, 'active');
  assert.equal(shown.json.checksum, image.checksum);
  assert.equal(shown.json.os_hash_value, image.os_hash_value);
  assert.deepEqual(shown.json.tags, ['keep']);
  assert.equal(shown.json.color, 'blue');
  const down = await fetch(`${server.url}/v2/images/${image.id}/file`);
  assert.equal(down.status, 200);
  assert.equal(md5(Buffer.from(await down.arrayBuffer())), md5(data));
  assert.deepEqual((await rows(image.id)).locations, [{ status: 'active', deleted: 0 }]);
  assert.ok(existsSync(file));
  const last = (await events(server, image.id)).at(-1)!;
  assert.deepEqual([last.action, last.from_status, last.to_status], ['restored', 'pending_delete', 'active']);

  const again = await run(['restore', image.id]);
  assert.equal(again.code, 1);
  assert.equal(again.stderr.trim(), 'ERROR: cannot restore the image from active to active (wanted from_state=pending_delete)');
  const missing = '0b9c4b0e-7a55-4f39-9d43-5a3e1e7a0c11';
  const unknown = await run(['restore', missing]);
  assert.equal(unknown.code, 1);
  assert.equal(unknown.stderr.trim(), `ERROR: No image found with ID ${missing}`);

  // A scrubbed image cannot come back.
  assert.equal((await api.del(`/v2/images/${image.id}`)).status, 204);
  await age(image.id);
  await waitForStatus(server, image.id, 'deleted');
  const late = await run(['restore', image.id]);
  assert.equal(late.stderr.trim(), 'ERROR: cannot restore the image from deleted to active (wanted from_state=pending_delete)');
  assert.ok(!existsSync(file));
});

test('a store that refuses the scrub leaves the image pending_delete with its data; the next run finishes it', async () => {
  const { image, file } = await newImage('stuck');
  assert.equal((await api.del(`/v2/images/${image.id}`)).status, 204);
  execFileSync('mount', ['-o', 'remount,ro', store]);
  try {
    await age(image.id);
    await waitForOutput(/unable to scrub image data from a location/);
    await sleep(1500);
    const r = await rows(image.id);
    assert.equal(r.image.status, 'pending_delete');
    assert.deepEqual(r.locations, [{ status: 'pending_delete', deleted: 1 }]);
    assert.ok(existsSync(file));
    assert.ok(!(await events(server, image.id)).some((e) => e.action === 'scrubbed'));
  } finally {
    execFileSync('mount', ['-o', 'remount,rw', store]);
  }
  await waitForStatus(server, image.id, 'deleted');
  assert.ok(!existsSync(file));
  assert.equal((await events(server, image.id)).filter((e) => e.action === 'scrubbed').length, 1);
});

async function waitForOutput(re: RegExp) {
  const deadline = Date.now() + 15_000;
  while (!re.test(server.output())) {
    if (Date.now() > deadline) throw new Error(`server never logged ${re}:\n${server.output()}`);
    await sleep(100);
  }
}

test('npm run manage -- scrub: the one-shot run removes what is due under its config (scrub_time 0)', async () => {
  const { image, file } = await newImage('one-shot');
  assert.equal((await api.del(`/v2/images/${image.id}`)).status, 204);
  const config = path.join(server.dir, 'scrub-now.conf');
  writeFileSync(config, readFileSync(server.configFile, 'utf8').replace(`scrub_time = ${SCRUB_TIME}`, 'scrub_time = 0'));
  const once = await run(['scrub'], config);
  assert.equal(once.code, 0, once.out);
  assert.match(once.stdout, /scrubbed 1 image\(s\); 0 failed/);
  assert.equal((await rows(image.id)).image.status, 'deleted');
  assert.ok(!existsSync(file));
  const scrubbed = (await events(server, image.id)).filter((e) => e.action === 'scrubbed');
  assert.equal(scrubbed.length, 1);
});
