// The console's list, actions, image page, status-flow diagram and timeline
// in a real browser against a real server.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, removeDir, type TestServer } from '../helpers/server';
import { client } from '../helpers/http';
import { launchBrowser, PHONE, screenshot, signIn, type TestBrowser } from '../helpers/browser';
import { digests, eventually, qcow2Bytes } from '../helpers/images';

let server: TestServer;
let browser: TestBrowser;
let api: ReturnType<typeof client>;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  api = client(server.url);
});

after(async () => {
  await browser?.close();
  await server?.stop();
  if (server) removeDir(server.dir);
});

const status = async (id: string) => (await server.query<{ status: string }>('select status from images where id = ?', [id]))[0].status;
/** The browser logs every refused request; where a test provokes one, it checks exactly that one. */
const withoutUrl = (e: string) => e.replace(/^\S+: /, '');
const row = (id: string) => `[data-testid=image-row][data-image-id="${id}"]`;

test('deactivate and reactivate from the list; protect blocks delete; delete asks for confirmation naming the image', async () => {
  const img = await api.createWithData(qcow2Bytes(64 * 1024), { name: 'list-actions', disk_format: 'qcow2', container_format: 'bare' });
  const page = await browser.newPage();
  await signIn(page, server);
  const r = page.locator(row(img.id));
  await r.and(page.locator('[data-status=active]')).waitFor();

  await r.getByRole('button', { name: 'Deactivate' }).click();
  await page.locator(`${row(img.id)}[data-status=deactivated]`).waitFor();
  await page.getByRole('status').filter({ hasText: 'Deactivated image “list-actions”.' }).waitFor();
  assert.equal(await status(img.id), 'deactivated');
  await screenshot(page, 'list-deactivated-desktop');
  await r.getByRole('button', { name: 'Activate' }).click();
  await page.locator(`${row(img.id)}[data-status=active]`).waitFor();
  assert.equal(await status(img.id), 'active');

  // Protected: the API's refusal is shown, the image stays.
  await r.getByRole('button', { name: 'Protect' }).click();
  await r.getByRole('button', { name: 'Unprotect' }).waitFor();
  await r.getByRole('button', { name: 'Delete' }).click();
  const dialog = page.getByRole('dialog');
  assert.equal(await dialog.getByRole('heading').innerText(), 'Delete image “list-actions”?');
  await dialog.getByRole('button', { name: 'Delete image' }).click();
  await page.getByRole('alert').filter({ hasText: 'is protected and cannot be deleted' }).waitFor();
  assert.equal(await status(img.id), 'active');
  assert.deepEqual(browser.takeErrors().map(withoutUrl), ['Failed to load resource: the server responded with a status of 403 (Forbidden)']);

  await r.getByRole('button', { name: 'Unprotect' }).click();
  await r.getByRole('button', { name: 'Protect' }).waitFor();
  // Keyboard: Enter opens the confirmation with focus on Cancel; Escape closes it.
  await r.getByRole('button', { name: 'Delete' }).focus();
  await page.keyboard.press('Enter');
  await dialog.waitFor();
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Cancel');
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'hidden' });
  await r.getByRole('button', { name: 'Delete' }).click();
  // Cancelling keeps it.
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await dialog.waitFor({ state: 'hidden' });
  assert.equal(await status(img.id), 'active');
  await r.getByRole('button', { name: 'Delete' }).click();
  await screenshot(page, 'delete-confirm-desktop');
  await dialog.getByRole('button', { name: 'Delete image' }).click();
  await r.waitFor({ state: 'detached' });
  assert.equal(await status(img.id), 'deleted');
  await page.close();
  assert.deepEqual(browser.errors, []);
});

test('bulk delete, filters, sorting and marker paging over many images', async () => {
  const names = Array.from({ length: 23 }, (_, i) => `page-${String(i).padStart(2, '0')}`);
  for (const name of names) await api.create({ name, disk_format: 'raw', container_format: 'bare', tags: name.endsWith('7') ? ['seven'] : [] });
  const page = await browser.newPage();
  await signIn(page, server);
  await page.getByRole('button', { name: /Name/ }).click(); // sort by name, ascending
  await page.locator('[data-testid=image-row]').first().waitFor();
  const firstPage = await page.locator('[data-testid=image-row] td:nth-child(2)').allInnerTexts();
  assert.equal(firstPage.length, 20);
  assert.deepEqual(firstPage, [...firstPage].sort());
  await page.getByRole('button', { name: 'Next →' }).click();
  await page.getByText('Page 2').waitFor();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=image-row]').length === 3);
  const second = await page.locator('[data-testid=image-row] td:nth-child(2)').allInnerTexts();
  assert.ok(second.every((n) => !firstPage.includes(n)), 'the second page continues after the marker');
  await page.getByRole('button', { name: '← Previous' }).click();
  await page.getByText('Page 1').waitFor();

  await page.getByLabel('Tag').fill('seven');
  await page.getByRole('button', { name: 'Filter' }).click();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=image-row]').length === 2);
  assert.deepEqual(await page.locator('[data-testid=image-row] td:nth-child(2)').allInnerTexts(), ['page-07', 'page-17']);
  await page.getByRole('button', { name: 'Clear' }).click();

  await page.getByLabel('Name', { exact: true }).fill('page-03');
  await page.getByRole('button', { name: 'Filter' }).click();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=image-row]').length === 1);
  await page.getByRole('button', { name: 'Clear' }).click();
  await page.getByLabel('Status').selectOption('killed');
  await page.getByRole('button', { name: 'Filter' }).click();
  await page.getByTestId('empty-state').waitFor();
  assert.match(await page.getByTestId('empty-state').innerText(), /No images match/);
  await page.getByRole('button', { name: 'Clear' }).click();

  await page.locator('[data-testid=image-row]').first().waitFor();
  await page.getByLabel('Select page-00').check();
  await page.getByLabel('Select page-01').check();
  await page.getByRole('button', { name: 'Delete selected (2)' }).click();
  const dialog = page.getByRole('dialog');
  assert.equal(await dialog.getByRole('heading').innerText(), 'Delete 2 images?');
  assert.deepEqual(await dialog.getByRole('listitem').allInnerTexts(), ['page-00', 'page-01']);
  await dialog.getByRole('button', { name: 'Delete images' }).click();
  await page.getByRole('status').filter({ hasText: 'Deleted 2 images.' }).waitFor();
  await page.getByLabel('Select page-00').waitFor({ state: 'detached' });
  await page.getByLabel('Select page-01').waitFor({ state: 'detached' });
  await page.getByLabel('Select page-02').waitFor();
  const left = await server.query<{ name: string }>("select name from images where name in ('page-00','page-01') and deleted = 0");
  assert.deepEqual(left, []);
  await screenshot(page, 'list-many-desktop');
  await page.close();
  assert.deepEqual(browser.errors, []);
});

test('the status-flow diagram is drawn from the transition table and its counts change live', async () => {
  const page = await browser.newPage();
  await signIn(page, server);
  await page.goto(`${server.url}/dashboard/status-flow`);
  await page.getByTestId('status-flow-diagram').waitFor();
  const count = async (s: string) => Number(await page.getByTestId(`count-${s}`).innerText());
  // Every transition of the server's table is an edge, and only those.
  const edges = await page.locator('[data-edge]').evaluateAll((els) => els.map((e) => e.getAttribute('data-edge')).sort());
  const { TRANSITIONS } = await import('../../lib/images/state-machine');
  assert.deepEqual(edges, Object.entries(TRANSITIONS).flatMap(([f, ts]) => ts.map((t) => `${f}>${t}`)).sort());
  const active = await count('active');
  const deactivated = await count('deactivated');
  await screenshot(page, 'status-flow-desktop');

  const img = await api.createWithData(qcow2Bytes(32 * 1024), { name: 'counted', disk_format: 'qcow2', container_format: 'bare' });
  await eventually('active count to grow', async () => ((await count('active')) === active + 1 ? true : undefined));
  await api.post(`/v2/images/${img.id}/actions/deactivate`);
  await eventually('deactivated count to grow', async () =>
    (await count('deactivated')) === deactivated + 1 && (await count('active')) === active ? true : undefined,
  );
  await page.setViewportSize(PHONE);
  await screenshot(page, 'status-flow-phone');
  await page.close();
  assert.deepEqual(browser.errors, []);
});

test('image page: every field, copy, edit with the API validation beside the field, diagram trace and timeline', async () => {
  const data = qcow2Bytes(100_000);
  const img = await api.createWithData(data, { name: 'detailed', disk_format: 'qcow2', container_format: 'bare', os_distro: 'cirros' });
  await api.post(`/v2/images/${img.id}/actions/deactivate`);
  await api.post(`/v2/images/${img.id}/actions/reactivate`);
  const page = await browser.newPage();
  await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
  await signIn(page, server);
  await page.goto(`${server.url}/dashboard/images/${img.id}`);
  await page.getByTestId('image-fields').waitFor();

  const want = digests(data);
  const field = (f: string) => page.getByTestId(`field-${f}`).innerText();
  for (const f of ['checksum', 'container_format', 'created_at', 'disk_format', 'file', 'id', 'min_disk', 'min_ram', 'name', 'owner', 'protected', 'schema', 'size', 'status', 'tags', 'updated_at', 'virtual_size', 'visibility']) {
    assert.ok(await page.getByTestId(`field-${f}`).count(), `field ${f} is shown`);
  }
  assert.equal(await field('checksum'), want.md5);
  assert.equal(await field('os_hash_value'), want.sha512);
  assert.equal(await field('file'), `/v2/images/${img.id}/file`);
  assert.equal(await field('properties'), "os_distro='cirros'");
  assert.match(await page.getByTestId('locations').innerText(), new RegExp(`file://.*/${img.id}`));

  await page.getByRole('button', { name: 'Copy checksum' }).click();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), want.md5);

  // The diagram highlights the current state and traces the path taken.
  assert.equal(await page.getByTestId('node-active').getAttribute('data-current'), 'true');
  const traced = await page.locator('[data-traced]').evaluateAll((els) => els.map((e) => e.getAttribute('data-edge')).sort());
  assert.deepEqual(traced, ['active>deactivated', 'deactivated>active', 'queued>saving', 'saving>active']);

  const actions = await page.getByTestId('timeline-entry').evaluateAll((els) => els.map((e) => e.getAttribute('data-action')));
  assert.deepEqual(actions, ['created', 'upload_started', 'upload_finished', 'deactivated', 'reactivated']);
  assert.match(await page.getByTestId('timeline').innerText(), /next step after/);

  // Edit: the API's own validation message beside the field; then a good save.
  const edit = page.getByRole('form', { name: 'Edit image' });
  await edit.locator('input[name=min_disk]').fill('-1');
  await edit.getByRole('button', { name: 'Save changes' }).click();
  await page.getByTestId('error-min_disk').waitFor();
  assert.deepEqual(browser.takeErrors().map(withoutUrl), ['Failed to load resource: the server responded with a status of 400 (Bad Request)']);
  assert.match(await page.getByTestId('error-min_disk').innerText(), /min_disk/);
  assert.equal(await edit.locator('input[name=min_disk]').getAttribute('aria-invalid'), 'true');
  await edit.locator('input[name=min_disk]').fill('2');
  await edit.locator('input[name=name]').fill('detailed-renamed');
  await edit.locator('input[name=tags]').fill('gold, linux');
  await edit.getByRole('button', { name: 'Save changes' }).click();
  await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
  await eventually('fields to refresh', async () => ((await field('name')) === 'detailed-renamed' ? true : undefined));
  const shown = await api.get(`/v2/images/${img.id}`);
  assert.equal(shown.json.min_disk, 2);
  assert.deepEqual([...shown.json.tags].sort(), ['gold', 'linux']);
  await page.getByTestId('timeline-entry').and(page.locator('[data-action=updated]')).first().waitFor();

  await screenshot(page, 'image-detail-desktop');
  await page.setViewportSize(PHONE);
  await screenshot(page, 'image-detail-phone');

  // Delete from the image page: confirmation, then back to the list.
  await page.getByRole('button', { name: 'Delete', exact: true }).click();
  const dialog = page.getByRole('dialog');
  assert.equal(await dialog.getByRole('heading').innerText(), 'Delete image “detailed-renamed”?');
  await dialog.getByRole('button', { name: 'Delete image' }).click();
  await page.waitForURL(`${server.url}/dashboard`);
  await page.getByRole('heading', { name: 'Images', level: 1 }).waitFor();
  assert.equal(await status(img.id), 'deleted');
  await page.close();
  assert.deepEqual(browser.errors, []);
});
