// Interoperable import in the console, in Chromium, on a site with two file
// stores (`fast`, the default, and `bulk`): "Create image from URL" against
// an HTTP server this test starts (loopback is refused by default, so the
// service allows 127.0.0.1 and that port in [import_filtering_opts]); the
// import followed on the timeline and in the status flow while it runs; a
// refused URL and a failed download shown with Glance's words; "Copy to
// store" offered exactly when /v2/info/import lists copy-image; the forms
// used by keyboard through their labels.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { launchBrowser, screenshot, signIn, type TestBrowser } from '../helpers/browser';
import { digests, eventually, qcow2Bytes } from '../helpers/images';
import { removeDir, startServer, type TestServer } from '../helpers/server';
import { STORE_DESCRIPTIONS, twoFileStores } from '../helpers/stores';
import { allowSource, closeSource, listenOnLoopback } from '../helpers/web-source';

let server: TestServer;
let browser: TestBrowser;
let source: http.Server;
let src: string;
const DATA = qcow2Bytes(2 * 1024 * 1024 + 77);
/** /slow sends half its data, then waits for this to be called. */
let releaseSlow: () => void = () => {};
const slowReleased = new Promise<void>((r) => (releaseSlow = r));

function handle(req: IncomingMessage, res: ServerResponse): void {
  const send = async (gate?: Promise<void>) => {
    res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': DATA.length });
    const half = Math.floor(DATA.length / 2);
    for (let i = 0; i < half; i += 65536) res.write(DATA.subarray(i, Math.min(i + 65536, half)));
    if (gate) await gate;
    for (let i = half; i < DATA.length; i += 65536) res.write(DATA.subarray(i, Math.min(i + 65536, DATA.length)));
    res.end();
  };
  if (req.url === '/cirros.qcow2') return void send();
  if (req.url === '/slow.qcow2') return void send(slowReleased);
  res.writeHead(404, { 'Content-Type': 'text/plain' }).end('no such file');
}

before(async () => {
  source = http.createServer(handle);
  src = await listenOnLoopback(source);
  server = await startServer({
    storeConfig: twoFileStores,
    extraConfig: allowSource(src),
  });
  browser = await launchBrowser();
});

after(async () => {
  releaseSlow();
  await browser?.close();
  await server?.stop();
  closeSource(source);
  if (server) removeDir(server.dir);
});

async function imagesPage(): Promise<{ page: Page; form: Locator }> {
  const page = await browser.newPage();
  await signIn(page, server);
  const form = page.getByTestId('url-import');
  await form.getByRole('heading', { name: 'Create image from URL' }).waitFor();
  return { page, form };
}

/** Fill the form by keyboard only: each field reached with Tab, found by its label. */
async function fillByKeyboard(page: Page, form: Locator, fields: { uri: string; name: string; store?: string }) {
  await form.getByLabel('Image URL').focus();
  await page.keyboard.type(fields.uri);
  await page.keyboard.press('Tab');
  assert.equal(await form.getByLabel('Image name').evaluate((el) => el === document.activeElement), true, 'Tab goes from the URL to the name');
  await page.keyboard.type(fields.name);
  if (fields.store) await form.getByLabel('Store').selectOption(fields.store);
}

const imageRow = async (id: string) =>
  (await server.query<{ status: string; checksum: string | null; name: string | null }>('select status, checksum, name from images where id = ?', [id]))[0];
const tasksOf = (id: string) => server.query<{ status: string; message: string | null }>(
  'select t.status, i.message from tasks t left join task_info i on i.task_id = t.id where t.image_id = ? order by t.created_at', [id]);

test('create from URL into bulk: labelled fields, disk format from the URL, followed to active; the timeline shows the task', async () => {
  const { page, form } = await imagesPage();
  for (const label of ['Image URL', 'Image name', 'Disk format', 'Container format', 'Store']) assert.equal(await form.getByLabel(label).count(), 1, `${label} is a labelled field`);
  assert.equal(await form.getByLabel('Store').inputValue(), 'fast', 'the default store preselected');
  await fillByKeyboard(page, form, { uri: `${src}/cirros.qcow2`, name: 'from-url', store: 'bulk' });
  assert.equal(await form.getByLabel('Disk format').inputValue(), 'qcow2', 'guessed from the URL');
  assert.equal(await form.getByLabel('Container format').inputValue(), 'bare');
  await screenshot(page, 'url-import-form');
  await page.keyboard.press('Enter'); // submits from the focused field

  const card = form.getByTestId('url-import-card');
  await card.and(page.locator('[data-status=active]')).waitFor({ timeout: 60_000 });
  const id = (await card.getAttribute('data-image-id'))!;
  assert.equal(await card.getByTestId('url-import-phase').innerText(), 'Active');
  const row = await imageRow(id);
  assert.deepEqual([row.status, row.name, row.checksum], ['active', 'from-url', digests(DATA).md5]);
  assert.equal(digests(readFileSync(path.join(server.dir, 'bulk', id))).md5, digests(DATA).md5, 'the data is in bulk\'s directory');
  assert.equal(existsSync(path.join(server.dir, 'fast', id)), false);
  assert.deepEqual(await tasksOf(id), [{ status: 'success', message: 'Copied 2 MiB' }]);
  // The list shows it too.
  await page.getByRole('link', { name: 'from-url' }).first().waitFor();

  await card.getByRole('link', { name: 'Open image' }).click();
  await page.getByTestId('timeline').waitFor();
  const timeline = page.getByTestId('timeline');
  const created = timeline.locator('[data-action=task_created]');
  assert.match(await created.innerText(), new RegExp(`Import task created\\s+web-download from ${src.replace(/\./g, '\\.')}/cirros\\.qcow2 to store bulk`));
  assert.match(await timeline.locator('[data-action=task_success]').innerText(), /Import task succeeded\s+Copied 2 MiB/);
  const order = await timeline.getByTestId('timeline-entry').evaluateAll((els) => els.map((e) => e.getAttribute('data-action')));
  assert.deepEqual(order, ['created', 'task_created', 'import_started', 'imported', 'task_success']);
  assert.equal(await page.getByTestId('field-stores').innerText(), `bulk (${STORE_DESCRIPTIONS.bulk})`);
  assert.equal(await page.getByTestId('import-progress').count(), 0, 'nothing running, nothing failed');
  await screenshot(page, 'url-import-timeline');
  assert.deepEqual(browser.takeErrors(), []);
  await page.close();
});

test('a URL refused by import filtering: Glance\'s 400 message beside the form, no image left behind', async () => {
  const { page, form } = await imagesPage();
  const before = await server.query<{ n: number }>("select count(*) as n from images where status <> 'deleted'");
  await fillByKeyboard(page, form, { uri: 'http://169.254.169.254/latest/meta-data/', name: 'metadata' });
  await form.getByRole('button', { name: 'Create from URL' }).click();
  const error = form.getByTestId('url-import-error');
  await error.waitFor();
  assert.equal(await error.innerText(), 'URI for web-download does not pass filtering: http://169.254.169.254/latest/meta-data/');
  assert.equal(await error.getAttribute('role'), 'alert');
  // The URL field points at the error for assistive technology.
  assert.equal(await form.getByLabel('Image URL').getAttribute('aria-describedby'), await error.getAttribute('id'));
  assert.equal(await form.getByLabel('Image URL').getAttribute('aria-invalid'), 'true');
  assert.equal(await form.getByTestId('url-import-card').count(), 0);
  await eventually('the empty image to be removed', async () => {
    const now = await server.query<{ n: number }>("select count(*) as n from images where status <> 'deleted'");
    return Number(now[0].n) === Number(before[0].n) ? true : undefined;
  });
  await screenshot(page, 'url-import-refused');
  const errors = browser.takeErrors().filter((e) => !/status of 400/.test(e));
  assert.deepEqual(errors, []);
  await page.close();
});

test('a download that fails (404): the card and the timeline say why, the image is queued again, the failed transition drawn', async () => {
  const { page, form } = await imagesPage();
  await fillByKeyboard(page, form, { uri: `${src}/missing.qcow2`, name: 'missing' });
  await form.getByRole('button', { name: 'Create from URL' }).click();
  const card = form.getByTestId('url-import-card');
  await card.and(page.locator('[data-task-status=failure]')).waitFor({ timeout: 60_000 });
  assert.equal(await card.getByTestId('url-import-failure').innerText(), 'HTTP Error 404: Not Found');
  const id = (await card.getAttribute('data-image-id'))!;
  assert.equal((await imageRow(id)).status, 'queued');

  await page.goto(`${server.url}/dashboard/images/${id}`);
  const failure = page.getByTestId('timeline').locator('[data-action=task_failure]');
  await failure.waitFor();
  assert.equal(await failure.getByTestId('task-failure-message').innerText(), 'HTTP Error 404: Not Found');
  // The image's own import_failed event says the same, not a generic text.
  assert.match(await page.getByTestId('timeline').locator('[data-action=import_failed]').innerText(), /HTTP Error 404: Not Found/);
  assert.ok(await page.getByTestId('timeline').locator('[data-action=import_failed]').count() === 1);
  assert.match(await page.getByTestId('import-last-failure').innerText(), /^Last import failed \(web-download from .*\/missing\.qcow2 to store fast\): HTTP Error 404: Not Found$/);
  // os_glance_failed_import, as Glance keeps it.
  assert.equal(await page.getByTestId('failed-import-stores').innerText(), 'Import failed for stores: fast');
  assert.equal(await page.locator('[data-edge="importing>queued"]').getAttribute('data-failed'), 'true');
  assert.equal(await page.getByTestId('node-queued').getAttribute('data-current'), 'true');
  assert.equal(await page.getByTestId('node-queued').getAttribute('data-in-progress'), null);
  assert.equal(await page.getByTestId('copy-to-store').count(), 0, 'nothing to copy from a queued image');
  await screenshot(page, 'url-import-failed-timeline');
  assert.deepEqual(browser.takeErrors(), []);
  await page.close();
});

test('while the download runs: importing marked in progress in the diagram, the task processing on the timeline; then active without a reload', async () => {
  const { page, form } = await imagesPage();
  await fillByKeyboard(page, form, { uri: `${src}/slow.qcow2`, name: 'slow' });
  await form.getByRole('button', { name: 'Create from URL' }).click();
  const card = form.getByTestId('url-import-card');
  await card.and(page.locator('[data-status=importing]')).waitFor({ timeout: 30_000 });
  const id = (await card.getAttribute('data-image-id'))!;

  await page.goto(`${server.url}/dashboard/images/${id}`);
  const node = page.getByTestId('node-importing');
  await node.and(page.locator('[data-in-progress]')).waitFor();
  assert.equal(await node.getAttribute('data-current'), 'true');
  assert.match(await page.getByTestId('flow-in-progress').innerText(), /In progress: importing/);
  await page.getByTestId('timeline').locator('[data-action=task_processing]').waitFor();
  assert.match(await page.getByTestId('import-running').innerText(), /Import running: web-download from .*\/slow\.qcow2 to store fast/);
  // os_glance_importing_to_stores, as Glance keeps it while the data goes in.
  assert.equal(await page.getByTestId('importing-to-stores').innerText(), 'Importing to stores: fast');
  await screenshot(page, 'url-import-in-progress');

  releaseSlow();
  // The page polls while the import runs and stops once it ended.
  await page.getByTestId('timeline').locator('[data-action=task_success]').waitFor({ timeout: 60_000 });
  await page.getByTestId('node-active').and(page.locator('[data-current]')).waitFor();
  assert.equal(await page.getByTestId('node-active').getAttribute('data-in-progress'), null);
  assert.equal(await page.getByTestId('flow-in-progress').count(), 0);
  await page.getByTestId('importing-to-stores').waitFor({ state: 'detached' });
  let polls = 0;
  page.on('request', (r) => {
    if (r.url().endsWith(`/api/console/images/${id}`)) polls++;
  });
  await page.waitForTimeout(3500);
  assert.equal(polls, 0, 'no polling once the import ended');
  assert.deepEqual(browser.takeErrors(), []);
  await page.close();
});

test('Copy to store: offered on an active image (copy-image listed, several stores), the stores not holding it to choose by keyboard; copies into the chosen store', async () => {
  const methods = ((await (await fetch(`${server.url}/v2/info/import`)).json()) as { 'import-methods': { value: string[] } })['import-methods'].value;
  const { page, form } = await imagesPage();
  await fillByKeyboard(page, form, { uri: `${src}/cirros.qcow2`, name: 'to-copy' });
  await form.getByRole('button', { name: 'Create from URL' }).click();
  const card = form.getByTestId('url-import-card').first();
  await card.and(page.locator('[data-status=active]')).waitFor({ timeout: 60_000 });
  const id = (await card.getAttribute('data-image-id'))!;
  await page.goto(`${server.url}/dashboard/images/${id}`);
  await page.getByTestId('timeline').waitFor();
  const copy = page.getByTestId('copy-to-store');
  assert.ok(methods.includes('copy-image'), `copy-image is listed with several stores: ${methods}`);
  await copy.waitFor();
  const boxes = copy.getByRole('checkbox');
  assert.deepEqual(await boxes.evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value)), ['bulk'], 'only the stores not holding it');
  assert.equal(await copy.getByRole('button', { name: 'Copy to store' }).isDisabled(), true, 'nothing chosen yet');
  // By keyboard: focus the checkbox, Space ticks it, Enter on the button.
  await copy.getByLabel(/bulk/).focus();
  await page.keyboard.press('Space');
  await copy.getByRole('button', { name: 'Copy to store' }).focus();
  await page.keyboard.press('Enter');
  await page.getByTestId('field-stores').filter({ hasText: 'bulk' }).waitFor({ timeout: 60_000 });
  assert.equal(await page.getByTestId('field-stores').innerText(), `fast (${STORE_DESCRIPTIONS.fast}), bulk (${STORE_DESCRIPTIONS.bulk})`);
  assert.equal(digests(readFileSync(path.join(server.dir, 'bulk', id))).md5, digests(DATA).md5);
  await page.getByTestId('timeline').locator('[data-action=task_success]').nth(1).waitFor();
  assert.match(await page.getByTestId('timeline').locator('[data-action=task_created]').nth(1).innerText(), /copy-image to store bulk/);
  assert.equal(await copy.count(), 0, 'no store left to copy to');
  await screenshot(page, 'copy-to-store-done');
  assert.deepEqual(browser.takeErrors(), []);
  await page.close();
});
