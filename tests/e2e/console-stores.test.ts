// Stores in the console, in Chromium, on a site with two file stores (`fast`,
// the default, and `bulk`): an admin picks bulk in the upload form and the
// data lands in bulk's directory, the image page lists bulk; a member gets no
// picker and the default store; a tus request tampered to name a store the
// site does not have is refused and changes nothing.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { dropFiles, gateChunks, launchBrowser, PHONE, screenshot, signInWithPassword, type TestBrowser } from '../helpers/browser';
import { readOpenrc, startKeystoneServer, type KeystoneServer } from '../helpers/identity';
import { digests, qcow2Bytes } from '../helpers/images';
import { makePersonas, type Personas } from '../helpers/roles';
import { removeDir } from '../helpers/server';
import { STORE_DESCRIPTIONS, twoFileStores } from '../helpers/stores';

let server: KeystoneServer;
let personas: Personas;
const browsers: TestBrowser[] = [];

before(async () => {
  server = await startKeystoneServer({ storeConfig: twoFileStores });
  personas = await makePersonas(server);
});

after(async () => {
  for (const b of browsers) await b.close();
  await server?.stop();
  if (server) removeDir(server.dir);
});

/** A browser of its own (its own session cookie), signed in through the login form; `chunk`: tus chunk size. */
async function signedIn(who: 'admin' | 'member', chunk?: number): Promise<{ browser: TestBrowser; page: Page }> {
  const env = readOpenrc(server.openrc);
  const login = who === 'admin' ? { username: env.OS_USERNAME, password: env.OS_PASSWORD, project: env.OS_PROJECT_NAME } : personas.login.member;
  const browser = await launchBrowser();
  browsers.push(browser);
  if (chunk) {
    await browser.context.addInitScript((size) => {
      if (location.protocol.startsWith('http')) localStorage.setItem('glance.console.chunkSize', String(size));
    }, chunk);
  }
  const page = await browser.newPage();
  await signInWithPassword(page, server.url, login);
  return { browser, page };
}

/** Rewrite the store in the tus creation request's Upload-Metadata (null: leave it out), as a tampering client would. */
async function tamperStore(page: Page, store: string | null): Promise<void> {
  await page.route('**/api/console/uploads', async (route) => {
    const req = route.request();
    if (req.method() !== 'POST') return route.continue();
    const pairs = (req.headers()['upload-metadata'] ?? '').split(',').filter((p) => p && !p.startsWith('store '));
    if (store !== null) pairs.push(`store ${Buffer.from(store).toString('base64')}`);
    await route.continue({ headers: { ...req.headers(), 'upload-metadata': pairs.join(',') } });
  });
}

const storeFile = (store: string, id: string) => path.join(server.dir, store, id);
const stagedFor = (id: string) => readdirSync(path.join(server.dir, 'data', 'staging')).filter((f) => f.startsWith(id));

async function imageState(id: string) {
  const [row] = await server.query<{ status: string; checksum: string | null }>('select status, checksum from images where id = ?', [id]);
  const events = await server.query<{ action: string }>('select action from image_events where image_id = ? order by created_at, id', [id]);
  return { ...row, actions: events.map((e) => e.action) };
}

test('an admin picks bulk (the default preselected, descriptions shown): the data lands in bulk\'s directory and the image page lists bulk', async () => {
  const { browser, page } = await signedIn('admin');
  const data = qcow2Bytes(3 * 1024 * 1024 + 11);
  await dropFiles(page, '[data-testid=drop-zone]', [{ name: 'bulk-disk.qcow2', data }]);
  const card = page.getByTestId('upload-card');
  await card.getByRole('button', { name: 'Create and upload' }).waitFor();

  const picker = card.getByLabel('Store');
  assert.equal(await picker.inputValue(), 'fast', 'the default store is preselected');
  assert.deepEqual(await picker.locator('option').allInnerTexts(), [`fast (default) — ${STORE_DESCRIPTIONS.fast}`, `bulk — ${STORE_DESCRIPTIONS.bulk}`]);
  assert.equal(await card.getByTestId('store-description').innerText(), STORE_DESCRIPTIONS.fast);
  // The description is the picker's accessible description.
  assert.equal(await picker.getAttribute('aria-describedby'), await card.getByTestId('store-description').getAttribute('id'));
  await picker.selectOption('bulk');
  assert.equal(await card.getByTestId('store-description').innerText(), STORE_DESCRIPTIONS.bulk);
  await screenshot(page, 'upload-store-picker-desktop');
  await page.setViewportSize(PHONE);
  await screenshot(page, 'upload-store-picker-phone');
  await page.setViewportSize({ width: 1280, height: 900 });

  await card.getByRole('button', { name: 'Create and upload' }).click();
  await page.locator('[data-testid=upload-card][data-phase=done]').waitFor({ timeout: 60_000 });
  const want = digests(data);
  assert.equal(await card.getByTestId('upload-checksum').innerText(), want.md5);
  const id = (await card.getAttribute('data-image-id'))!;
  assert.equal((await imageState(id)).status, 'active');
  assert.equal(digests(readFileSync(storeFile('bulk', id))).md5, want.md5, 'the file in bulk\'s directory has the uploaded bytes');
  assert.equal(existsSync(storeFile('fast', id)), false, 'nothing went to the default store');

  await page.goto(`${server.url}/dashboard/images/${id}`);
  const stores = page.getByTestId('field-stores');
  await stores.waitFor();
  assert.equal(await stores.innerText(), `bulk (${STORE_DESCRIPTIONS.bulk})`);
  const locations = page.getByTestId('locations').locator('li');
  assert.equal(await locations.count(), 1);
  assert.equal(await locations.first().getAttribute('data-store'), 'bulk');
  assert.match(await locations.first().innerText(), new RegExp(`^bulk: file://${storeFile('bulk', id)} \\(active\\)$`));
  await screenshot(page, 'image-stores-admin-desktop');
  assert.deepEqual(browser.errors, []);
});

test('a member gets no store picker, uploads to the default store, and sees the store but no locations; naming a store anyway is refused', async () => {
  const { browser, page } = await signedIn('member');
  const data = qcow2Bytes(1024 * 1024 + 5);
  await dropFiles(page, '[data-testid=drop-zone]', [{ name: 'member-disk.qcow2', data }]);
  const card = page.getByTestId('upload-card');
  await card.getByRole('button', { name: 'Create and upload' }).waitFor();
  assert.equal(await card.getByLabel('Store').count(), 0, 'no store picker');
  assert.equal(await card.locator('select[name=store]').count(), 0);
  await card.getByRole('button', { name: 'Create and upload' }).click();
  await page.locator('[data-testid=upload-card][data-phase=done]').waitFor({ timeout: 60_000 });
  const id = (await card.getAttribute('data-image-id'))!;
  assert.equal(digests(readFileSync(storeFile('fast', id))).md5, digests(data).md5);

  await page.goto(`${server.url}/dashboard/images/${id}`);
  await page.getByTestId('field-stores').waitFor();
  assert.equal(await page.getByTestId('field-stores').innerText(), `fast (${STORE_DESCRIPTIONS.fast})`);
  assert.equal(await page.getByRole('heading', { name: /Locations/ }).count(), 0, 'location URIs are for admins');
  await screenshot(page, 'image-stores-member-desktop');
  assert.deepEqual(browser.errors, []);

  // Deactivated, its stores are hidden from the member as the API's `stores` field is (Glance hides its locations).
  assert.equal((await personas.admin.post(`/v2/images/${id}/actions/deactivate`)).status, 204);
  await page.reload();
  await page.getByTestId('field-status').filter({ hasText: 'deactivated' }).waitFor();
  assert.equal(await page.getByTestId('field-stores').innerText(), '—');
  assert.equal((await personas.admin.post(`/v2/images/${id}/actions/reactivate`)).status, 204);

  // The member's own upload request, made to name bulk: 403, the image stays queued with nothing staged.
  await page.goto(`${server.url}/dashboard`);
  await tamperStore(page, 'bulk');
  await dropFiles(page, '[data-testid=drop-zone]', [{ name: 'sneaky.qcow2', data: qcow2Bytes(64 * 1024) }]);
  const sneaky = page.getByTestId('upload-card').filter({ hasText: 'sneaky.qcow2' });
  await sneaky.getByRole('button', { name: 'Create and upload' }).click();
  await sneaky.and(page.locator('[data-phase=failed]')).waitFor();
  assert.match(await sneaky.getByTestId('upload-error').innerText(), /Only administrators may choose the store an upload goes to\./);
  const sneakyId = (await sneaky.getAttribute('data-image-id'))!;
  assert.deepEqual(await imageState(sneakyId), { status: 'queued', checksum: null, actions: ['created'] });
  assert.deepEqual(stagedFor(sneakyId), []);
  const errors = browser.takeErrors().filter((e) => !/status of 403/.test(e));
  assert.deepEqual(errors, []);
});

test('a tus request tampered to name an unknown store gets 400 with the enabled stores named, and nothing changes', async () => {
  const { browser, page } = await signedIn('admin');
  await tamperStore(page, 'nowhere');
  await dropFiles(page, '[data-testid=drop-zone]', [{ name: 'tampered.qcow2', data: qcow2Bytes(512 * 1024) }]);
  const card = page.getByTestId('upload-card');
  await card.getByLabel('Store').selectOption('bulk');
  // Waited for, not collected by a listener: the card may show the failure before a listener has read the body.
  const creation = page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/api/console/uploads'));
  await card.getByRole('button', { name: 'Create and upload' }).click();
  const refused = await creation;
  assert.deepEqual({ status: refused.status(), body: await refused.text() }, { status: 400, body: "Unknown store 'nowhere': the enabled stores are fast, bulk." });
  await page.locator('[data-testid=upload-card][data-phase=failed]').waitFor();
  assert.match(await card.getByTestId('upload-error').innerText(), /Unknown store 'nowhere'/);
  await screenshot(page, 'upload-unknown-store-desktop');

  const id = (await card.getAttribute('data-image-id'))!;
  assert.deepEqual(await imageState(id), { status: 'queued', checksum: null, actions: ['created'] });
  assert.deepEqual(stagedFor(id), [], 'nothing staged');
  for (const store of ['fast', 'bulk']) assert.equal(existsSync(storeFile(store, id)), false, `nothing in ${store}`);
  const [{ n }] = await server.query<{ n: number }>('select count(*) as n from image_locations where image_id = ?', [id]);
  assert.equal(n, 0);
  const errors = browser.takeErrors().filter((e) => !/status of 400/.test(e));
  assert.deepEqual(errors, []);
});

test('the chosen store survives a reload in the middle of the upload: picking the file again finishes it into bulk', async () => {
  const CHUNK = 256 * 1024;
  const { browser, page } = await signedIn('admin', CHUNK);
  const file = path.join(server.dir, 'reloaded-bulk.qcow2');
  const data = qcow2Bytes(8 * CHUNK + 21);
  writeFileSync(file, data);
  const gate = await gateChunks(page, 2);
  await page.getByTestId('file-input').setInputFiles(file);
  const card = page.getByTestId('upload-card').first();
  await card.getByLabel('Store').selectOption('bulk');
  await card.getByRole('button', { name: 'Create and upload' }).click();
  await gate.held;
  const id = (await card.getAttribute('data-image-id'))!;
  await page.reload();
  await gate.open();
  await page.getByTestId('interrupted-uploads').waitFor();
  const stagedBytes = statSync(path.join(server.dir, 'data', 'staging', id)).size;
  assert.ok(stagedBytes >= 2 * CHUNK && stagedBytes < data.length, `${stagedBytes} bytes staged before the reload`);

  await page.getByTestId('file-input').setInputFiles(file);
  const resumed = page.locator(`[data-testid=upload-card][data-image-id="${id}"]`);
  await resumed.and(page.locator('[data-phase=done]')).waitFor({ timeout: 60_000 });
  assert.match(await resumed.getByTestId('upload-resumed').innerText(), /resumed at \d/);
  assert.equal(digests(readFileSync(storeFile('bulk', id))).md5, digests(data).md5);
  assert.equal(existsSync(storeFile('fast', id)), false);
  assert.deepEqual(browser.errors, []);
});
