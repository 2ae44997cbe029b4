// Cross-site request forgery against the console: its session is a cookie,
// and a page on another port of the same host is "same-site", so the browser
// sends that cookie along. Every console mutation must come from the
// console's own origin: a forged request gets 403 and changes nothing, in
// real Chromium (auto-submitting form, no-cors fetch) and with raw requests.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { chromium, type Browser } from 'playwright-core';
import { client } from '../helpers/http';
import { consoleBrowser } from '../helpers/console';
import { getToken, readOpenrc, startKeystoneServer, type KeystoneServer } from '../helpers/identity';
import { freePort, removeDir } from '../helpers/server';

let server: KeystoneServer;
let env: Record<string, string>;
let adminToken: string;
let browser: Browser;
let attacker: http.Server;
let attackerOrigin: string;
/** The attacker's pages, by path. */
const attackPages = new Map<string, string>();

before(async () => {
  server = await startKeystoneServer();
  env = readOpenrc(server.openrc);
  adminToken = await getToken(server.url, env.OS_USERNAME, env.OS_PASSWORD, env.OS_PROJECT_NAME);
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
  const port = await freePort();
  attackerOrigin = `http://127.0.0.1:${port}`;
  attacker = http.createServer((req, res) => {
    const page = attackPages.get(req.url ?? '');
    res.writeHead(page ? 200 : 404, { 'Content-Type': 'text/html' });
    res.end(page ?? 'not found');
  });
  await new Promise<void>((resolve) => attacker.listen(port, '127.0.0.1', resolve));
});

after(async () => {
  await browser?.close();
  await new Promise((resolve) => attacker?.close(resolve));
  await server?.stop();
  if (server) removeDir(server.dir);
});

const api = () => client(server.url, { 'X-Auth-Token': adminToken });

async function newImage(name: string): Promise<string> {
  return (await api().create({ name, disk_format: 'raw', container_format: 'bare' })).id;
}

async function imageRow(id: string) {
  const [row] = await server.query<{ protected: number; deleted: number; name: string }>('SELECT protected, deleted, name FROM images WHERE id = ?', [id]);
  return row;
}

async function signedInPage() {
  const page = await browser.newPage();
  await page.goto(`${server.url}/dashboard/login`);
  await page.fill('input[name=username]', env.OS_USERNAME);
  await page.fill('input[name=password]', env.OS_PASSWORD);
  await page.fill('input[name=project]', env.OS_PROJECT_NAME);
  await page.click('button[type=submit]');
  await page.waitForURL(/\/dashboard$/);
  return page;
}

test('Chromium: an auto-submitting form on another port cannot protect an image', async () => {
  const id = await newImage('csrf-form-target');
  const target = `${server.url}/api/console/images/${id}/actions/protect`;
  attackPages.set('/form', `<form id="f" method="POST" action="${target}"></form><script>document.getElementById('f').submit()</script>`);
  const page = await signedInPage();
  const answered = page.waitForResponse((r) => r.url() === target);
  await page.goto(`${attackerOrigin}/form`);
  const res = await answered;
  assert.equal(res.status(), 403);
  assert.match(await res.text(), /Cross-origin requests may not change anything/);
  assert.equal((await imageRow(id)).protected, 0, 'the image is not protected');

  // The console itself (same origin) still acts with the same session.
  await page.goto(`${server.url}/dashboard`);
  const own = await page.evaluate(async (url) => (await fetch(url, { method: 'POST' })).status, target);
  assert.equal(own, 200);
  assert.equal((await imageRow(id)).protected, 1);
  await page.close();
});

test('Chromium: a no-cors fetch with a JSON body in text/plain cannot create an image', async () => {
  attackPages.set(
    '/fetch',
    `<script>fetch(${JSON.stringify(`${server.url}/api/console/images`)}, { method: 'POST', mode: 'no-cors', credentials: 'include', headers: { 'Content-Type': 'text/plain' }, body: JSON.stringify({ name: 'csrf-made' }) }).then(() => { document.title = 'sent' }, () => { document.title = 'failed' })</script>`,
  );
  const page = await signedInPage();
  const answered = page.waitForResponse((r) => r.url() === `${server.url}/api/console/images`);
  await page.goto(`${attackerOrigin}/fetch`);
  const res = await answered;
  assert.equal(res.status(), 403);
  assert.deepEqual(await server.query("SELECT id FROM images WHERE name = 'csrf-made'"), []);
  await page.close();
});

test('raw requests: every console mutation checks Sec-Fetch-Site and Origin; reads and non-browser clients are unaffected', async () => {
  const b = consoleBrowser(server.url);
  await b.signIn({ username: env.OS_USERNAME, password: env.OS_PASSWORD, project: env.OS_PROJECT_NAME, domain: 'Default' });
  const id = await newImage('csrf-raw-target');
  const own = new URL(server.url).host;
  const forged: Record<string, string>[] = [
    { Origin: attackerOrigin },
    { Origin: attackerOrigin, 'Sec-Fetch-Site': 'same-site' },
    { 'Sec-Fetch-Site': 'cross-site' },
    { 'Sec-Fetch-Site': 'same-site' },
    { Origin: 'null' },
    { Origin: 'https://evil.example' },
    { Origin: `http://${own}.evil.example` },
  ];
  const mutations: [string, string, BodyInit | undefined, Record<string, string>][] = [
    ['POST', `/api/console/images/${id}/actions/protect`, undefined, {}],
    ['POST', `/api/console/images/${id}/actions/deactivate`, undefined, {}],
    ['PATCH', `/api/console/images/${id}`, JSON.stringify([{ op: 'replace', path: '/name', value: 'renamed' }]), { 'Content-Type': 'application/openstack-images-v2.1-json-patch' }],
    ['DELETE', `/api/console/images/${id}`, undefined, {}],
    ['POST', '/api/console/images', JSON.stringify({ name: 'csrf-made-raw' }), { 'Content-Type': 'application/json' }],
    ['POST', `/api/console/images/${id}/import`, JSON.stringify({ method: { name: 'web-download', uri: 'https://example.com/disk.img' } }), { 'Content-Type': 'application/json' }],
    ['POST', '/api/console/metadefs/namespaces', JSON.stringify({ namespace: 'CSRF::Made' }), { 'Content-Type': 'application/json' }],
    ['PUT', '/api/console/metadefs/namespaces/OS::Compute::Watchdog', JSON.stringify({ namespace: 'OS::Compute::Watchdog', visibility: 'private' }), { 'Content-Type': 'application/json' }],
    ['POST', '/api/console/uploads', undefined, { 'Tus-Resumable': '1.0.0', 'Upload-Length': '10', 'Upload-Metadata': `imageId ${Buffer.from(id).toString('base64')}` }],
  ];
  for (const [method, path, body, headers] of mutations) {
    for (const h of forged) {
      const res = await b.fetch(path, { method, body, headers: { ...headers, ...h } });
      assert.equal(res.status, 403, `${method} ${path} with ${JSON.stringify(h)}`);
      const json = (await res.json()) as { code: number; title: string; message: string };
      assert.equal(json.title, 'Forbidden');
    }
  }
  const row = await imageRow(id);
  assert.deepEqual([row.protected, row.deleted, row.name], [0, 0, 'csrf-raw-target'], 'nothing changed');
  assert.equal((await api().get(`/v2/images/${id}`)).json.status, 'queued');
  assert.deepEqual(await server.query("SELECT id FROM images WHERE name = 'csrf-made-raw'"), []);
  assert.deepEqual(await server.query("SELECT namespace, visibility FROM metadef_namespaces WHERE namespace IN ('CSRF::Made', 'OS::Compute::Watchdog')"), [{ namespace: 'OS::Compute::Watchdog', visibility: 'public' }]);

  // Same origin (as the console sends it), or no browser headers at all (curl): allowed.
  const sameOrigin = await b.fetch(`/api/console/images/${id}/actions/protect`, { method: 'POST', headers: { Origin: server.url, 'Sec-Fetch-Site': 'same-origin' } });
  assert.equal(sameOrigin.status, 200);
  const noHeaders = await b.fetch(`/api/console/images/${id}/actions/unprotect`, { method: 'POST' });
  assert.equal(noHeaders.status, 200);
  // Reads are not mutations: a cross-origin GET is answered (the browser's same-origin policy keeps its body from the other page).
  assert.equal((await b.fetch(`/api/console/images/${id}`, { headers: { Origin: attackerOrigin, 'Sec-Fetch-Site': 'same-site' } })).status, 200);
});
