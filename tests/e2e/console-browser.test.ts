// The sign-in form in a real browser (Chromium via playwright-core): fill it
// in, land on the dashboard as that user, sign out, and the token is revoked.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { chromium, type Browser } from 'playwright-core';
import { getToken, makeProjectUser, readOpenrc, startKeystoneServer, type KeystoneServer } from '../helpers/identity';
import { removeDir } from '../helpers/server';

let server: KeystoneServer;
let browser: Browser;

before(async () => {
  server = await startKeystoneServer();
  const env = readOpenrc(server.openrc);
  const adminToken = await getToken(server.url, env.OS_USERNAME, env.OS_PASSWORD, env.OS_PROJECT_NAME);
  await makeProjectUser(server.url, adminToken, 'web-proj', 'web-user', 'web-pw');
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
});

after(async () => {
  await browser?.close();
  await server?.stop();
  if (server) removeDir(server.dir);
});

test('sign in with the form, see the dashboard, sign out', async () => {
  const page = await browser.newPage();
  await page.goto(`${server.url}/dashboard`);
  await page.waitForURL(/\/dashboard\/login$/);

  await page.fill('input[name=username]', 'web-user');
  await page.fill('input[name=password]', 'wrong');
  await page.fill('input[name=project]', 'web-proj');
  await page.click('button[type=submit]');
  const error = page.getByTestId('login-error');
  await error.waitFor();
  assert.match(await error.innerText(), /Invalid credentials/);

  await page.fill('input[name=password]', 'web-pw');
  await page.click('button[type=submit]');
  await page.waitForURL(/\/dashboard$/);
  assert.equal(await page.getByTestId('console-user').innerText(), 'web-user');
  assert.equal(await page.getByTestId('console-project').innerText(), 'Project: web-proj');
  const [session] = await server.query<{ token_hash: string }>('SELECT token_hash FROM console_sessions');
  assert.ok(session, 'a server-side session');

  await page.getByRole('button', { name: 'Sign Out' }).click();
  await page.waitForURL(/\/dashboard\/login$/);
  const [token] = await server.query<{ revoked_at: string | null }>('SELECT revoked_at FROM identity_tokens WHERE token_hash = ?', [session.token_hash]);
  assert.notEqual(token.revoked_at, null);
  await page.goto(`${server.url}/dashboard`);
  await page.waitForURL(/\/dashboard\/login$/);
  await page.close();
});
