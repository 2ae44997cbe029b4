// Accessibility of every console page in Chromium: axe-core on sign-in, the
// images list (URL form, an upload in progress), an active image (Copy to
// store on a two-store site, members), images with an import running and
// failed, the Update metadata dialog, the metadata definitions pages, the status flow and the image cache; no serious or critical violations, the
// findings printed. Then the keyboard: Tab reaches every action of the list
// and the image page, each with a visible focus indicator. And the owner and
// member columns show project names with the id on hover, as Horizon does.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { assertAccessible } from '../helpers/axe';
import { DESKTOP, dropFiles, gateChunks, launchBrowser, PHONE, screenshot, signInWithPassword, type TestBrowser } from '../helpers/browser';
import { readOpenrc, startKeystoneServer, type KeystoneServer } from '../helpers/identity';
import { eventually, qcow2Bytes } from '../helpers/images';
import { makePersonas, type Personas } from '../helpers/roles';
import { removeDir } from '../helpers/server';
import { twoFileStores } from '../helpers/stores';
import { closeSource } from '../helpers/web-source';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

let server: KeystoneServer;
let personas: Personas;
let browser: TestBrowser;
let source: http.Server;
let src: string;
let cacheDir: string;
const DATA = qcow2Bytes(512 * 1024 + 5);
/** /slow.qcow2 sends half its data, then waits for this. */
let releaseSlow: () => void = () => {};
const slowReleased = new Promise<void>((r) => (releaseSlow = r));

function handle(req: IncomingMessage, res: ServerResponse): void {
  if (req.url !== '/slow.qcow2') return void res.writeHead(404, { 'Content-Type': 'text/plain' }).end('no such file');
  res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': DATA.length });
  res.write(DATA.subarray(0, DATA.length >> 1));
  void slowReleased.then(() => res.end(DATA.subarray(DATA.length >> 1)));
}

before(async () => {
  cacheDir = mkdtempSync(path.join(os.tmpdir(), 'glance-a11y-cache-'));
  source = http.createServer(handle);
  source.listen(0, '127.0.0.1');
  await once(source, 'listening');
  src = `http://127.0.0.1:${(source.address() as AddressInfo).port}`;
  server = await startKeystoneServer({
    storeConfig: twoFileStores,
    extraConfig: `[import_filtering_opts]\nallowed_hosts = 127.0.0.1\nallowed_ports = ${new URL(src).port}\n[DEFAULT]\nimage_cache_dir = ${cacheDir}\n`,
  });
  personas = await makePersonas(server);
  browser = await launchBrowser();
  // Small tus chunks, so an upload can be held mid-way.
  await browser.context.addInitScript(() => {
    if (location.protocol.startsWith('http')) localStorage.setItem('glance.console.chunkSize', String(64 * 1024));
  });
});

after(async () => {
  releaseSlow();
  await browser?.close();
  await server?.stop();
  closeSource(source);
  if (server) removeDir(server.dir);
  rmSync(cacheDir, { recursive: true, force: true });
});

/** Through the sign-in form (the admin unless `login` says otherwise); `check`: axe checks the form first. */
async function signInAsAdmin(page: Page, check: boolean, login?: { username: string; password: string; project: string }): Promise<void> {
  const env = readOpenrc(server.openrc);
  const who = login ?? { username: env.OS_USERNAME, password: env.OS_PASSWORD, project: env.OS_PROJECT_NAME };
  if (check) {
    await page.goto(`${server.url}/dashboard/login`);
    await page.locator('input[name=username]').waitFor();
    await assertAccessible(page, 'sign-in');
  }
  await signInWithPassword(page, server.url, who);
}

/** An image created by project-a's member and imported from `path` on the test's source (web-download). */
async function webDownload(name: string, path: string): Promise<string> {
  const img = await personas.member.create({ name, disk_format: 'qcow2', container_format: 'bare' });
  const r = await personas.member.post(`/v2/images/${img.id}/import`, { method: { name: 'web-download', uri: `${src}${path}` } });
  assert.equal(r.status, 202, r.text);
  return img.id;
}

const statusOf = async (id: string) => (await server.query<{ status: string }>('select status from images where id = ?', [id]))[0].status;

test('axe finds no serious or critical violations on any console page', async () => {
  const active = await personas.member.createWithData(DATA, { name: 'a11y-active', disk_format: 'qcow2', container_format: 'bare', visibility: 'shared' });
  assert.equal((await personas.member.post(`/v2/images/${active.id}/members`, { member: personas.projectB })).status, 200);
  const failed = await webDownload('a11y-failed', '/missing.qcow2');
  await eventually('the download to fail', async () =>
    (await server.query<{ status: string }>('select status from tasks where image_id = ?', [failed]))[0]?.status === 'failure' ? true : undefined,
  );
  const importing = await webDownload('a11y-importing', '/slow.qcow2');
  await eventually('the import to run', async () => ((await statusOf(importing)) === 'importing' ? true : undefined));

  const page = await browser.newPage();
  await signInAsAdmin(page, true);
  await page.locator(`[data-testid=image-row][data-image-id="${active.id}"]`).waitFor();
  await assertAccessible(page, 'images list (with the Create image from URL form)');
  // The check bites: a button without a name, added for a moment, is reported as critical.
  await page.evaluate(() => document.querySelector('main')?.insertAdjacentHTML('beforeend', '<button type="button" id="axe-probe"></button>'));
  await assert.rejects(assertAccessible(page, 'images list with a nameless button (must fail)'), /button-name/);
  await page.evaluate(() => document.getElementById('axe-probe')?.remove());
  await page.setViewportSize(PHONE);
  await assertAccessible(page, 'images list on a phone');
  await page.setViewportSize(DESKTOP);

  // An upload held mid-way, its card showing progress.
  const gate = await gateChunks(page, 2);
  await dropFiles(page, '[data-testid=drop-zone]', [{ name: 'a11y-upload.qcow2', data: qcow2Bytes(1024 * 1024) }]);
  const card = page.getByTestId('upload-card');
  await card.getByRole('button', { name: 'Create and upload' }).waitFor();
  await assertAccessible(page, 'upload card before the upload');
  await card.getByRole('button', { name: 'Create and upload' }).click();
  await gate.held;
  await assertAccessible(page, 'upload in progress');
  await screenshot(page, 'a11y-upload-in-progress');
  await gate.open();
  await card.getByRole('button', { name: 'Cancel' }).click().catch(() => {});

  await page.goto(`${server.url}/dashboard/images/${active.id}`);
  await page.getByTestId('copy-to-store').waitFor();
  await assertAccessible(page, 'image page, active (Copy to store, members)');
  // The Update metadata dialog: the catalog, a property added from it, then closed with Escape.
  await page.getByRole('button', { name: 'Update metadata' }).click();
  const metadata = page.getByRole('dialog', { name: 'Update metadata' });
  await metadata.locator('[data-namespace="OS::Compute::Watchdog"]').waitFor();
  await assertAccessible(page, 'Update metadata dialog');
  await metadata.getByLabel('Filter available metadata').fill('watchdog');
  await metadata.getByRole('button', { name: 'Add hw_watchdog_action' }).click();
  await assertAccessible(page, 'Update metadata dialog with a property added');
  await page.keyboard.press('Escape');
  await metadata.waitFor({ state: 'detached' });

  await page.goto(`${server.url}/dashboard/images/${failed}`);
  await page.getByTestId('import-last-failure').waitFor();
  await assertAccessible(page, 'image page, import failed');

  await page.goto(`${server.url}/dashboard/images/${importing}`);
  await page.getByTestId('import-running').waitFor();
  await assertAccessible(page, 'image page, import in progress');

  await page.goto(`${server.url}/dashboard/metadefs`);
  await page.locator('[data-testid=namespace-row][data-namespace="OS::Compute::Watchdog"]').waitFor();
  await page.getByText('Import namespace', { exact: true }).first().click();
  await assertAccessible(page, 'metadata definitions (Import namespace open)');
  await page.goto(`${server.url}/dashboard/metadefs/${encodeURIComponent('OS::Compute::Libvirt')}`);
  await page.getByTestId('ns-properties').waitFor();
  await assertAccessible(page, 'a metadata definitions namespace');

  await page.goto(`${server.url}/dashboard/status-flow`);
  await page.getByTestId('status-flow-diagram').waitFor();
  await assertAccessible(page, 'status flow');
  await page.setViewportSize(PHONE);
  await assertAccessible(page, 'status flow on a phone');
  // On a phone the diagram is drawn top to bottom and fits: nothing to scroll sideways; Tab reaches its states.
  await page.locator('[data-testid=status-flow-diagram][data-direction=DOWN]').waitFor();
  assert.ok(await page.getByTestId('status-flow-scroll').evaluate((el) => el.scrollWidth <= el.clientWidth), 'the diagram fits the phone');
  await page.getByTestId('status-flow-scroll').focus();
  await page.keyboard.press('Tab');
  assert.match((await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))) ?? '', /^node-/);
  await page.goto(`${server.url}/dashboard/cache`);
  await page.getByRole('heading', { name: 'Cached images' }).waitFor();
  await assertAccessible(page, 'image cache on a phone');
  await page.setViewportSize(DESKTOP);
  await assertAccessible(page, 'image cache');
  releaseSlow();
  await page.close();
  browser.takeErrors(); // the cancelled upload's aborted requests
});

/** What has focus now, and whether it shows a focus indicator: an outline of at least 2 px, or a ring (box-shadow) it lacks unfocused. */
async function focused(page: Page): Promise<{ name: string; tag: string; indicator: string | null }> {
  // A string, not a function: tsx's keepNames would wrap inner functions in a helper the page does not have.
  return page.evaluate(`(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return { name: '', tag: 'body', indicator: null };
    const look = () => {
      const s = getComputedStyle(el);
      return { outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2 ? 'outline ' + s.outlineWidth + ' ' + s.outlineStyle + ' ' + s.outlineColor : null, shadow: s.boxShadow };
    };
    const on = look();
    el.blur();
    const off = look();
    el.focus();
    const ring = on.shadow !== 'none' && on.shadow !== off.shadow ? 'ring ' + on.shadow : null;
    const label = el.labels && el.labels[0] ? el.labels[0].textContent : null;
    const name = (el.getAttribute('aria-label') ?? label ?? el.textContent ?? '').trim().replace(/\\s+/g, ' ');
    return { name, tag: el.tagName.toLowerCase(), indicator: on.outline ?? ring };
  })()`);
}

/** Tab from the top of a freshly loaded page to its end, every stop checked for a visible indicator; returns the stops' names. */
async function tabThrough(page: Page, where: string, max = 150): Promise<string[]> {
  const stops: string[] = [];
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const f = await focused(page);
    if (f.tag === 'body' || (stops.length && f.name === stops[0] && i > 2)) break;
    assert.ok(f.indicator, `${where}: focus on <${f.tag}> “${f.name}” shows no outline or ring`);
    stops.push(f.name);
  }
  console.log(`keyboard ${where}: ${stops.length} stops: ${stops.join(' | ')}`);
  return stops;
}

test('keyboard: Tab reaches every action of the list and the image page, each with a visible focus ring', async () => {
  const img = await personas.member.createWithData(DATA, { name: 'kb-image', disk_format: 'qcow2', container_format: 'bare' });
  const page = await browser.newPage();
  await signInAsAdmin(page, false);
  await page.goto(`${server.url}/dashboard`); // a fresh load: Tab starts at the top
  await page.locator(`[data-image-id="${img.id}"]`).getByRole('button', { name: 'Delete' }).waitFor();

  const list = await tabThrough(page, 'images list');
  assert.equal(list[0], 'Skip to content', 'the first stop skips the navigation');
  for (const want of ['Images', 'Status flow', 'Metadata definitions', 'Sign Out', 'Filter', 'Clear', 'Select kb-image', 'kb-image', 'Edit', 'Deactivate', 'Protect', 'Delete', 'Image URL', 'Create from URL']) {
    assert.ok(list.some((s) => s === want || s.startsWith(want)), `the list's “${want}” is reached by Tab: ${list.join(' | ')}`);
  }
  // Enter on the focused row action works.
  await page.locator(`[data-image-id="${img.id}"]`).getByRole('button', { name: 'Deactivate' }).focus();
  await page.keyboard.press('Enter');
  await page.locator(`[data-image-id="${img.id}"][data-status=deactivated]`).waitFor();
  await page.locator(`[data-image-id="${img.id}"]`).getByRole('button', { name: 'Activate' }).focus();
  await page.keyboard.press('Enter');
  await page.locator(`[data-image-id="${img.id}"][data-status=active]`).waitFor();

  await page.goto(`${server.url}/dashboard/images/${img.id}`);
  await page.getByTestId('copy-to-store').waitFor();
  const detail = await tabThrough(page, 'image page', 250);
  for (const want of ['Skip to content', 'Update metadata', 'Deactivate', 'Protect', 'Delete', 'Copy checksum', 'Copy id', 'Save changes', 'bulk', 'Status flow diagram']) {
    assert.ok(detail.some((s) => s === want || s.startsWith(want)), `the image page's “${want}” is reached by Tab: ${detail.join(' | ')}`);
  }
  await screenshot(page, 'a11y-detail-focus');
  await page.close();
  assert.deepEqual(browser.takeErrors(), []);
});

test('owner and member columns show project names, the id on hover; unknown and deleted projects show the id; a member sees only its own project named', async () => {
  const shared = await personas.member.create({ name: 'names-shared', disk_format: 'raw', container_format: 'bare', visibility: 'shared' });
  assert.equal((await personas.member.post(`/v2/images/${shared.id}/members`, { member: personas.projectB })).status, 200);
  const accepted = await personas.other.call('PUT', `/v2/images/${shared.id}/members/${personas.projectB}`, { body: { status: 'accepted' } });
  assert.equal(accepted.status, 200, accepted.text);
  // An owner no directory knows (as with an external Keystone), and one whose project is deleted.
  const stranger = 'f00dcafe'.repeat(4);
  const unknown = await personas.admin.create({ name: 'names-unknown', disk_format: 'raw', container_format: 'bare', owner: stranger });
  const doomed = await personas.admin.post('/v3/projects', { project: { name: 'doomed-project', domain_id: 'default' } });
  assert.equal(doomed.status, 201, doomed.text);
  const doomedId = doomed.json.project.id as string;
  const orphan = await personas.admin.create({ name: 'names-orphan', disk_format: 'raw', container_format: 'bare', owner: doomedId });
  assert.equal((await personas.admin.del(`/v3/projects/${doomedId}`)).status, 204);

  const page = await browser.newPage();
  await signInAsAdmin(page, false);
  const owner = (id: string) => page.locator(`[data-testid=image-row][data-image-id="${id}"] [data-testid=owner-cell] [data-testid=project-name]`);
  await owner(shared.id).waitFor();
  assert.equal(await owner(shared.id).innerText(), 'project-a');
  assert.equal(await owner(shared.id).getAttribute('title'), personas.projectA);
  assert.equal(await owner(unknown.id).innerText(), stranger);
  assert.equal(await owner(unknown.id).getAttribute('title'), stranger);
  assert.equal(await owner(orphan.id).innerText(), doomedId);
  await screenshot(page, 'names-list-admin');

  await page.goto(`${server.url}/dashboard/images/${shared.id}`);
  const field = page.getByTestId('field-owner').getByTestId('project-name');
  await field.waitFor();
  assert.equal(await field.innerText(), 'project-a');
  assert.equal(await field.getAttribute('title'), personas.projectA);
  const member = page.getByTestId('members').getByTestId('project-name');
  assert.equal(await member.innerText(), 'project-b');
  assert.equal(await member.getAttribute('title'), personas.projectB);
  await page.close();

  // project-b's member: its own project named, project-a (not its to learn) by id, as Horizon.
  const other = await launchBrowser();
  try {
    const own = await personas.other.create({ name: 'names-own', disk_format: 'raw', container_format: 'bare' });
    const p = await other.newPage();
    await signInAsAdmin(p, false, personas.login.other);
    const cell = (id: string) => p.locator(`[data-testid=image-row][data-image-id="${id}"] [data-testid=owner-cell] [data-testid=project-name]`);
    await cell(own.id).waitFor();
    assert.equal(await cell(own.id).innerText(), 'project-b');
    assert.equal(await cell(shared.id).innerText(), personas.projectA);
    assert.equal(await cell(shared.id).getAttribute('title'), personas.projectA);
    assert.deepEqual(other.errors, []);
  } finally {
    await other.close();
  }
  assert.deepEqual(browser.takeErrors(), []);
});
