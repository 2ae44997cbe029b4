// Fail closed: a config without [paste_deploy] is keystone (401 without a
// token, the console asks to sign in), noauth is only ever chosen explicitly
// and then warned about at start, and trusted headers without
// X-Identity-Status: Confirmed are nobody, whatever roles they claim.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { client } from '../../helpers/http';
import { removeDir, startServer, type TestServer } from '../../helpers/server';

const NOAUTH_WARNING = /WARNING: \[paste_deploy\] flavor = noauth: every request is served as an admin without authentication/;
const servers: TestServer[] = [];

after(async () => {
  for (const s of servers) {
    await s.stop();
    removeDir(s.dir);
  }
});

test('no [paste_deploy] section: keystone; /v2 and the console need a token, nothing is created, no noauth warning', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'glance-test-'));
  const server = await startServer({ dir, flavor: null, extraConfig: `[identity]\nadmin_openrc = ${path.join(dir, 'admin-openrc')}` });
  servers.push(server);
  assert.doesNotMatch(readFileSync(server.configFile, 'utf8'), /paste_deploy|flavor/);
  const anon = client(server.url);
  for (const r of [await anon.get('/v2/images'), await anon.post('/v2/images', { name: 'anon' }), await anon.get('/v2/images', { 'X-Roles': 'admin', 'X-Identity-Status': 'Confirmed' })]) {
    assert.equal(r.status, 401);
    assert.equal(r.headers.get('www-authenticate'), `Keystone uri="${server.url}/v3"`);
  }
  const [{ n }] = await server.query<{ n: number }>('SELECT COUNT(*) AS n FROM images');
  assert.equal(n, 0);
  for (const route of ['/dashboard', '/api/console/images']) {
    const r = await fetch(server.url + route, { redirect: 'manual' });
    assert.equal(r.status, 307, route);
    assert.match(r.headers.get('location') ?? '', /\/dashboard\/login$/);
  }
  // Its own identity service is up, as with an explicit keystone flavor.
  assert.equal((await anon.get('/v3')).status, 200);
  assert.doesNotMatch(server.output(), NOAUTH_WARNING);
});

test('an explicit noauth flavor serves as admin and warns at every start', async () => {
  const server = await startServer({ flavor: 'noauth' });
  try {
    assert.match(server.output(), NOAUTH_WARNING);
    assert.equal((await client(server.url).get('/v2/images')).status, 200);
  } finally {
    await server.stop();
  }
  const again = await startServer({ flavor: 'noauth', dir: server.dir, databaseUrl: server.databaseUrl });
  servers.push(again);
  assert.match(again.output(), NOAUTH_WARNING, 'warned again on the next start');
});

test('trusted headers without X-Identity-Status: Confirmed are never admin, on the API or the console', async () => {
  const server = await startServer({ flavor: 'trusted-headers' });
  servers.push(server);
  const claims = { 'X-Roles': 'admin,member,reader', 'X-Project-Id': 'admin', 'X-User-Id': 'admin' };
  for (const status of [undefined, 'Invalid', 'confirmed ']) {
    const headers = { ...claims, ...(status === undefined ? {} : { 'X-Identity-Status': status }) };
    assert.equal((await client(server.url, headers).get('/v2/images')).status, 401, String(status));
    assert.equal((await client(server.url, headers).post('/v2/images', { name: 'claimed', visibility: 'public' })).status, 401);
    const console = await fetch(`${server.url}/api/console/images`, { headers, redirect: 'manual' });
    assert.equal(console.status, 307, 'the console treats it as signed out');
  }
  const [{ n }] = await server.query<{ n: number }>('SELECT COUNT(*) AS n FROM images');
  assert.equal(n, 0);
  // Confirmed, the same claims are an admin's.
  const admin = await client(server.url, { ...claims, 'X-Identity-Status': 'Confirmed' }).post('/v2/images', { name: 'confirmed', visibility: 'public' });
  assert.equal(admin.status, 201);
});
