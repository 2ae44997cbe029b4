// The console's image cache page in Chromium: an admin sees it in the nav,
// queues an active image (the prefetcher caches it and the page shows it with
// its hits), removes it and clears the cache; a member has no Cache link and
// the page refuses them.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { launchBrowser, signInWithPassword, type TestBrowser } from '../helpers/browser';
import { readOpenrc, startKeystoneServer, type KeystoneServer } from '../helpers/identity';
import { eventually, qcow2Bytes } from '../helpers/images';
import { makePersonas, type Personas } from '../helpers/roles';
import { removeDir } from '../helpers/server';

let server: KeystoneServer;
let personas: Personas;
let cacheDir: string;
const browsers: TestBrowser[] = [];

before(async () => {
  cacheDir = mkdtempSync(path.join(os.tmpdir(), 'glance-cache-e2e-'));
  server = await startKeystoneServer({ extraConfig: `[DEFAULT]\nimage_cache_dir = ${cacheDir}\n` });
  personas = await makePersonas(server);
});

after(async () => {
  for (const b of browsers) await b.close();
  await server?.stop();
  if (server) removeDir(server.dir);
  rmSync(cacheDir, { recursive: true, force: true });
});

async function signedIn(login: { username: string; password: string; project: string }): Promise<Page> {
  const browser = await launchBrowser();
  browsers.push(browser);
  const page = await browser.newPage();
  await signInWithPassword(page, server.url, login);
  return page;
}

const cacheApi = async () => (await personas.admin.get('/v2/cache')).json as { cached_images: { image_id: string; hits: number }[]; queued_images: string[] };

test('an admin queues an image from the Cache page, sees it cached with its hits, removes it, clears the cache', async () => {
  const env = readOpenrc(server.openrc);
  const img = await personas.admin.createWithData(qcow2Bytes(256 * 1024), { name: 'cirros-cached', disk_format: 'qcow2', container_format: 'bare' });
  const page = await signedIn({ username: env.OS_USERNAME, password: env.OS_PASSWORD, project: env.OS_PROJECT_NAME });
  await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Cache' }).click();
  await page.getByRole('heading', { name: 'Image cache', level: 1 }).waitFor();
  await page.getByText('Nothing cached on this node.').waitFor();

  await page.getByLabel('Queue an image for caching').selectOption(img.id);
  await page.getByRole('button', { name: 'Queue', exact: true }).click();
  await page.getByRole('status').filter({ hasText: 'Image queued' }).waitFor();
  const row = page.locator(`[data-testid=cached-row][data-image-id="${img.id}"]`);
  await row.waitFor({ timeout: 20_000 });
  assert.match(await row.innerText(), /cirros-cached/);
  assert.equal(await row.getByTestId('hits').innerText(), '0');
  assert.deepEqual((await cacheApi()).cached_images.map((e) => e.image_id), [img.id], 'the API agrees');

  // A download is a hit; the page shows it after a reload.
  await personas.admin.get(`/v2/images/${img.id}/file`);
  await page.reload();
  await eventually('the hit on the page', async () => ((await row.getByTestId('hits').innerText()) === '1' ? true : undefined));

  await row.getByRole('button', { name: 'Remove cirros-cached from the cache' }).click();
  await page.getByText('Nothing cached on this node.').waitFor();
  assert.deepEqual((await cacheApi()).cached_images, []);

  // Fill it again by a download, then clear through the confirmation dialog.
  await personas.admin.get(`/v2/images/${img.id}/file`);
  await page.reload();
  await row.waitFor();
  await page.getByRole('button', { name: 'Clear cache and queue' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Clear cache and queue' }).click();
  await page.getByText('Nothing cached on this node.').waitFor();
  assert.deepEqual(await cacheApi(), { cached_images: [], queued_images: [] });
});

test('a member: no Cache link, and the page says only administrators may manage the cache', async () => {
  const page = await signedIn(personas.login.member);
  assert.equal(await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Cache' }).count(), 0);
  await page.goto(`${server.url}/dashboard/cache`);
  await page.getByRole('alert').filter({ hasText: 'Only administrators may manage the image cache.' }).waitFor();
  assert.equal((await personas.member.get('/v2/cache')).status, 403);
});
