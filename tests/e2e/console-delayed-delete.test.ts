// Delayed delete in the console, in a real browser: an admin deletes an image
// from the list, finds it under "Pending delete", restores it with one click,
// and the image is back in the list, downloadable as before, its timeline
// showing the delete and the restore.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { serverForFile, type TestServer } from '../helpers/server';
import { client } from '../helpers/http';
import { launchBrowser, screenshot, signIn, type TestBrowser } from '../helpers/browser';
import { md5 } from '../helpers/data';

let server: TestServer;
let api: ReturnType<typeof client>;
let browser: TestBrowser;

serverForFile((s) => {
  server = s;
  api = client(s.url);
}, { extraConfig: '[DEFAULT]\ndelayed_delete = true\nscrub_time = 3600\nwakeup_time = 1\n' });
before(async () => (browser = await launchBrowser()));
after(() => browser?.close());

const status = async (id: string) => (await server.query<{ status: string }>('select status from images where id = ?', [id]))[0].status;

test('delete from the list, restore from "Pending delete": active again with the same data', async () => {
  const data = Buffer.alloc(70_000, 5);
  const img = await api.createWithData(data, { name: 'oops-deleted', disk_format: 'raw', container_format: 'bare' });
  const page = await browser.newPage();
  await signIn(page, server);
  const row = page.locator(`[data-testid=image-row][data-image-id="${img.id}"]`);
  await row.waitFor();
  assert.equal(await page.getByTestId('pending-deletes').count(), 0, 'nothing pending: no section');

  await row.getByRole('button', { name: 'Delete' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Delete image' }).click();
  await row.waitFor({ state: 'detached' });
  const pending = page.locator(`[data-testid=pending-delete-row][data-image-id="${img.id}"]`);
  await pending.waitFor();
  assert.match(await pending.innerText(), /oops-deleted/);
  assert.equal(await status(img.id), 'pending_delete');
  await screenshot(page, 'pending-delete-desktop');

  await pending.getByRole('button', { name: 'Restore oops-deleted' }).click();
  await page.getByRole('status').filter({ hasText: 'Restored image “oops-deleted”.' }).waitFor();
  await pending.waitFor({ state: 'detached' });
  await page.locator(`[data-testid=image-row][data-image-id="${img.id}"][data-status=active]`).waitFor();
  assert.equal(await status(img.id), 'active');
  const down = await fetch(`${server.url}/v2/images/${img.id}/file`);
  assert.equal(md5(Buffer.from(await down.arrayBuffer())), md5(data));

  await page.goto(`${server.url}/dashboard/images/${img.id}`);
  await page.getByText('Delete pending').first().waitFor();
  await page.getByText('Restored').first().waitFor();
  await page.close();
  assert.deepEqual(browser.errors, []);
});
