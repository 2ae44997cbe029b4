// The console's uploads in a real browser: drag-and-drop to an active image
// with the right checksums, pause/resume, reload mid-upload, cancel.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { startServer, removeDir, type TestServer } from '../helpers/server';
import { dropFiles, gateChunks, launchBrowser, PHONE, screenshot, signIn, type TestBrowser } from '../helpers/browser';
import { digests, eventually, qcow2Bytes } from '../helpers/images';

let server: TestServer;
let browser: TestBrowser;
const CHUNK = 256 * 1024;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  // Small chunks so the tests can act between them.
  await browser.context.addInitScript((size) => {
    if (location.protocol.startsWith('http')) localStorage.setItem('glance.console.chunkSize', String(size));
  }, CHUNK);
});

after(async () => {
  await browser?.close();
  await server?.stop();
  if (server) removeDir(server.dir);
});

const stagingDir = () => path.join(server.dir, 'data', 'staging');
const staged = () => readdirSync(stagingDir());
const stagedBytes = (id: string) => statSync(path.join(stagingDir(), id)).size;

async function imageRow(id: string) {
  const [row] = await server.query<{ status: string; checksum: string | null; os_hash_value: string | null; size: number | null; virtual_size: number | null }>(
    'select status, checksum, os_hash_value, size, virtual_size from images where id = ?',
    [id],
  );
  return row;
}

async function actions(id: string): Promise<string[]> {
  const rows = await server.query<{ action: string }>('select action from image_events where image_id = ? order by created_at, id', [id]);
  return rows.map((r) => r.action);
}

test('drag a file onto the drop zone: format detected, name prefilled, image becomes active with the right checksums', async () => {
  const page = await browser.newPage();
  await signIn(page, server);
  await page.getByTestId('empty-state').waitFor();
  await screenshot(page, 'images-empty-desktop');

  const data = qcow2Bytes(3 * 1024 * 1024 + 123);
  const want = digests(data);
  await dropFiles(page, '[data-testid=drop-zone]', [{ name: 'cirros-drop.qcow2', data }]);
  const card = page.getByTestId('upload-card');
  await card.getByRole('button', { name: 'Create and upload' }).waitFor();
  assert.match(await card.getByTestId('detected-format').innerText(), /Detected disk format: qcow2/i);
  assert.equal(await card.locator('input[name=name]').inputValue(), 'cirros-drop');
  assert.equal(await card.locator('select[name=disk_format]').inputValue(), 'qcow2');
  await card.locator('textarea[name=description]').fill('dropped in a test');
  await screenshot(page, 'upload-form-desktop');
  await card.getByRole('button', { name: 'Create and upload' }).click();

  await page.locator('[data-testid=upload-card][data-phase=done]').waitFor({ timeout: 60_000 });
  assert.equal(await card.getByTestId('upload-checksum').innerText(), want.md5);
  const id = (await card.getAttribute('data-image-id'))!;
  const row = await imageRow(id);
  assert.equal(row.status, 'active');
  assert.equal(row.checksum, want.md5);
  assert.equal(row.os_hash_value, want.sha512);
  assert.equal(row.size, want.size);
  assert.equal(row.virtual_size, 1 << 30);
  assert.deepEqual(await actions(id), ['created', 'upload_started', 'staged', 'import_started', 'imported']);
  assert.deepEqual(staged(), [], 'no staged data is left after the import');

  // The list shows it active without a reload.
  await page.locator(`[data-testid=image-row][data-image-id="${id}"][data-status=active]`).waitFor();
  await screenshot(page, 'upload-done-desktop');
  await page.setViewportSize(PHONE);
  await screenshot(page, 'images-phone');
  await page.close();
  assert.deepEqual(browser.errors, []);
});

test('drop several files at once: each gets its own detected format, upload and checksum', async () => {
  const page = await browser.newPage();
  await signIn(page, server);
  const iso = Buffer.alloc(40_000, 7);
  iso.write('CD001', 32769);
  // A real (monolithicSparse) VMDK: the store inspects what it is given.
  const vmdkFile = path.join(server.dir, 'appliance.vmdk');
  execFileSync('qemu-img', ['create', '-q', '-f', 'vmdk', vmdkFile, '64M']);
  const vmdk = readFileSync(vmdkFile);
  await dropFiles(page, '[data-testid=drop-zone]', [{ name: 'installer.iso', data: iso }, { name: 'appliance.vmdk', data: vmdk }]);
  const isoCard = page.getByTestId('upload-card').filter({ hasText: 'installer.iso' });
  const vmdkCard = page.getByTestId('upload-card').filter({ hasText: 'appliance.vmdk' });
  await isoCard.getByRole('button', { name: 'Create and upload' }).waitFor();
  await vmdkCard.getByRole('button', { name: 'Create and upload' }).waitFor();
  assert.equal(await isoCard.locator('select[name=disk_format]').inputValue(), 'iso');
  assert.equal(await vmdkCard.locator('select[name=disk_format]').inputValue(), 'vmdk');
  await isoCard.getByRole('button', { name: 'Create and upload' }).click();
  await vmdkCard.getByRole('button', { name: 'Create and upload' }).click();
  await isoCard.and(page.locator('[data-phase=done]')).waitFor({ timeout: 60_000 });
  await vmdkCard.and(page.locator('[data-phase=done]')).waitFor({ timeout: 60_000 });
  assert.equal(await isoCard.getByTestId('upload-checksum').innerText(), digests(iso).md5);
  assert.equal(await vmdkCard.getByTestId('upload-checksum').innerText(), digests(vmdk).md5);
  const rows = await server.query<{ name: string; disk_format: string; status: string }>(
    "select name, disk_format, status from images where name in ('installer', 'appliance') order by name",
  );
  assert.deepEqual(rows, [
    { name: 'appliance', disk_format: 'vmdk', status: 'active' },
    { name: 'installer', disk_format: 'iso', status: 'active' },
  ]);
  // The image page's download link returns the uploaded bytes.
  const id = (await isoCard.getAttribute('data-image-id'))!;
  await page.goto(`${server.url}/dashboard/images/${id}`);
  const href = await page.getByRole('link', { name: 'Download' }).getAttribute('href');
  const download = await page.request.get(`${server.url}${href}`);
  assert.equal(download.status(), 200);
  assert.ok((await download.body()).equals(iso));
  assert.match(download.headers()['content-disposition'], /filename="installer"/);
  await page.close();
  assert.deepEqual(browser.errors, []);
});

test('pause and resume an upload: it continues from the last stored chunk', async () => {
  const page = await browser.newPage();
  await signIn(page, server);
  const offsets: number[] = [];
  page.on('request', (r) => {
    if (r.method() === 'PATCH' && r.url().includes('/api/console/uploads/')) offsets.push(Number(r.headers()['upload-offset']));
  });
  const gate = await gateChunks(page, 2);
  const data = qcow2Bytes(8 * CHUNK + 5);
  await dropFiles(page, '[data-testid=drop-zone]', [{ name: 'pausable.qcow2', data }]);
  const card = page.getByTestId('upload-card').first();
  await card.getByRole('button', { name: 'Create and upload' }).click();
  await gate.held;
  const id = (await card.getAttribute('data-image-id'))!;
  assert.equal((await imageRow(id)).status, 'uploading');
  await card.getByRole('button', { name: 'Pause' }).click();
  await page.locator('[data-testid=upload-card][data-phase=paused]').waitFor();
  // The list follows the upload live: the row shows uploading without a reload.
  await page.locator(`[data-testid=image-row][data-image-id="${id}"][data-status=uploading]`).waitFor();
  await screenshot(page, 'upload-paused-desktop');
  await gate.open();
  assert.equal((await imageRow(id)).status, 'uploading', 'a paused upload keeps its image uploading');

  const stored = stagedBytes(id);
  assert.ok(stored >= 2 * CHUNK && stored < data.length, `${stored} bytes staged while paused`);
  const before = offsets.length;
  await card.getByRole('button', { name: 'Resume' }).click();
  await page.locator('[data-testid=upload-card][data-phase=done]').waitFor({ timeout: 60_000 });
  assert.equal(offsets[before], stored, 'resumed from the last stored chunk, not from zero');
  assert.equal(await card.getByTestId('upload-checksum').innerText(), digests(data).md5);
  assert.equal((await imageRow(id)).status, 'active');
  await page.close();
  assert.deepEqual(browser.errors, []);
});

test('reload the page in the middle of an upload, pick the file again, and it finishes from where it stopped', async () => {
  const file = path.join(server.dir, 'reloaded.raw');
  const data = qcow2Bytes(10 * CHUNK + 77);
  writeFileSync(file, data);
  const page = await browser.newPage();
  await signIn(page, server);
  const gate = await gateChunks(page, 3);
  await page.getByTestId('file-input').setInputFiles(file);
  const card = page.getByTestId('upload-card').first();
  await card.getByRole('button', { name: 'Create and upload' }).click();
  await gate.held;
  const id = (await card.getAttribute('data-image-id'))!;
  await page.reload();
  await gate.open();
  await page.getByTestId('interrupted-uploads').waitFor();
  const stored = stagedBytes(id);
  assert.ok(stored >= 3 * CHUNK && stored < data.length, `${stored} bytes staged before the reload`);
  assert.match(await page.getByTestId('interrupted-uploads').innerText(), /reloaded\.raw/);
  await screenshot(page, 'upload-interrupted-desktop');

  const offsets: number[] = [];
  page.on('request', (r) => {
    if (r.method() === 'PATCH' && r.url().includes('/api/console/uploads/')) offsets.push(Number(r.headers()['upload-offset']));
  });
  await page.getByTestId('file-input').setInputFiles(file);
  const resumed = page.locator(`[data-testid=upload-card][data-image-id="${id}"]`);
  await resumed.and(page.locator('[data-phase=done]')).waitFor({ timeout: 60_000 });
  assert.equal(offsets[0], stored, 'the first chunk after the reload starts at the stored offset');
  assert.match(await resumed.getByTestId('upload-resumed').innerText(), /resumed at \d/);
  assert.equal(await resumed.getByTestId('upload-checksum').innerText(), digests(data).md5);
  const [{ n }] = await server.query<{ n: number }>("select count(*) as n from images where name = 'reloaded'");
  assert.equal(n, 1, 'the reload continued the same image instead of creating another');
  await page.close();
  assert.deepEqual(browser.errors, []);
});

test('restart the server in the middle of an upload: the browser retries and finishes from the last stored chunk', async () => {
  const page = await browser.newPage();
  await signIn(page, server);
  const gate = await gateChunks(page, 2);
  const data = qcow2Bytes(6 * CHUNK + 9);
  await dropFiles(page, '[data-testid=drop-zone]', [{ name: 'restart.qcow2', data }]);
  const card = page.getByTestId('upload-card').first();
  await card.getByRole('button', { name: 'Create and upload' }).click();
  await gate.held;
  const id = (await card.getAttribute('data-image-id'))!;
  const stored = stagedBytes(id);
  const offsets: number[] = [];
  page.on('request', (r) => {
    if (r.method() === 'PATCH' && r.url().includes('/api/console/uploads/')) offsets.push(Number(r.headers()['upload-offset']));
  });
  await server.stop();
  await gate.open(); // the held chunk fails; tus-js-client retries with back-off
  server = await startServer({ dir: server.dir, databaseUrl: server.databaseUrl, port: server.port });
  await page.locator('[data-testid=upload-card][data-phase=done]').waitFor({ timeout: 90_000 });
  assert.ok(offsets.includes(stored), `a chunk resumed at the stored offset ${stored}: ${offsets}`);
  assert.ok(!offsets.includes(0), 'nothing was sent again from the start');
  assert.equal(await card.getByTestId('upload-checksum').innerText(), digests(data).md5);
  assert.equal((await imageRow(id)).status, 'active');
  await page.close();
  // The browser logged the refused connections while the server was down; nothing else.
  const errors = browser.takeErrors().filter((e) => !/ERR_CONNECTION_REFUSED|ERR_FAILED|Failed to load resource/.test(e));
  assert.deepEqual(errors, []);
});

test('cancel an upload: staged data removed, image back to queued, timeline says so', async () => {
  const page = await browser.newPage();
  await signIn(page, server);
  const gate = await gateChunks(page, 1);
  await dropFiles(page, '[data-testid=drop-zone]', [{ name: 'cancel-me.img', data: qcow2Bytes(6 * CHUNK) }]);
  const card = page.getByTestId('upload-card').first();
  await card.getByRole('button', { name: 'Create and upload' }).click();
  await gate.held;
  const id = (await card.getAttribute('data-image-id'))!;
  assert.ok(staged().includes(id));
  // Cancel while a chunk is in flight: the client aborts it and terminates the upload.
  await card.getByRole('button', { name: 'Cancel upload' }).click();
  await page.locator('[data-testid=upload-card][data-phase=cancelled]').waitFor();
  await gate.open();
  await eventually('image back to queued', async () => ((await imageRow(id)).status === 'queued' ? true : undefined));
  assert.deepEqual(staged().filter((f) => f.startsWith(id)), []);
  assert.deepEqual((await actions(id)).slice(-1), ['upload_cancelled']);
  await page.close();
  assert.deepEqual(browser.errors, []);
});
