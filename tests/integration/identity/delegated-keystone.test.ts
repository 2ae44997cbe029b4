// Delegated mode against a real Keystone (Debian's, on loopback): with
// [keystone_authtoken] set, /v2 trusts that Keystone's tokens, its projects
// own the images, our own /v3 is off, and a token revoked there stops working here.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { consoleBrowser, sessionCookie } from '../../helpers/console';
import { client } from '../../helpers/http';
import { getToken, makeProjectUser } from '../../helpers/identity';
import { startRealKeystone, type RealKeystone } from '../../helpers/real-keystone';
import { removeDir, startServer, type TestServer } from '../../helpers/server';

let keystone: RealKeystone;
let server: TestServer;
let demoProject: string;

before(async () => {
  keystone = await startRealKeystone();
  const base = keystone.url.replace(/\/v3$/, '');
  const adminToken = await getToken(base, 'admin', keystone.adminPassword, 'admin');
  ({ projectId: demoProject } = await makeProjectUser(base, adminToken, 'demo', 'demo', 'demo-secret'));
  server = await startServer({
    flavor: 'keystone',
    extraConfig: [
      '[keystone_authtoken]',
      `www_authenticate_uri = ${base}`,
      `auth_url = ${base}`,
      'username = admin',
      `password = ${keystone.adminPassword}`,
      'project_name = admin',
      'user_domain_name = Default',
      'project_domain_name = Default',
      // Re-validate every time, so that the revocation below shows at once.
      'token_cache_time = 0',
    ].join('\n'),
  });
});

after(async () => {
  await server?.stop();
  if (server) removeDir(server.dir);
  await keystone?.stop();
});

const keystoneBase = () => keystone.url.replace(/\/v3$/, '');

test('our own identity API is off; clients are sent to the real Keystone', async () => {
  const v3 = await client(server.url).get('/v3');
  assert.equal(v3.status, 404);
  const r = await client(server.url).get('/v2/images');
  assert.equal(r.status, 401);
  assert.equal(r.headers.get('www-authenticate'), `Keystone uri="${keystoneBase()}"`);
  assert.equal((await client(server.url).get('/v2/images', { 'X-Auth-Token': 'made-up' })).status, 401);
});

test('tokens of the real Keystone work on /v2 with its projects and roles', async () => {
  const demo = client(server.url, { 'X-Auth-Token': await getToken(keystoneBase(), 'demo', 'demo-secret', 'demo') });
  const admin = client(server.url, { 'X-Auth-Token': await getToken(keystoneBase(), 'admin', keystone.adminPassword, 'admin') });
  const img = await demo.create({ name: 'from-real-keystone' });
  assert.equal(img.owner, demoProject);
  assert.equal((await demo.post('/v2/images', { name: 'p', visibility: 'public' })).status, 403, 'a member cannot publicize');
  const pub = await admin.post('/v2/images', { name: 'p', visibility: 'public' });
  assert.equal(pub.status, 201, 'the admin role of the real Keystone is admin here');
  const listed = (await demo.get('/v2/images')).json.images.map((i: { name: string }) => i.name).sort();
  assert.deepEqual(listed, ['from-real-keystone', 'p']);
});

test('a token revoked at the real Keystone is refused here', async () => {
  const token = await getToken(keystoneBase(), 'demo', 'demo-secret', 'demo');
  const demo = client(server.url, { 'X-Auth-Token': token });
  assert.equal((await demo.get('/v2/images')).status, 200);
  const revoke = await client(keystoneBase()).del('/v3/auth/tokens', { 'X-Auth-Token': token, 'X-Subject-Token': token });
  assert.equal(revoke.status, 204);
  assert.equal((await demo.get('/v2/images')).status, 401);
});

test('console sign-in obtains its token from the real Keystone; sign-out revokes it there', async () => {
  const b = consoleBrowser(server.url);
  const bad = await b.signIn({ username: 'demo', password: 'wrong', project: 'demo', domain: 'Default' });
  assert.match(bad.url, /error=CredentialsSignin/);
  const ok = await b.signIn({ username: 'demo', password: 'demo-secret', project: 'demo', domain: 'Default' });
  assert.doesNotMatch(ok.url, /error=/);
  assert.ok(sessionCookie(b.jar));
  const page = await b.fetch('/dashboard');
  assert.equal(page.status, 200);
  assert.match(await page.text(), /Project: (<!-- -->)?demo/);
  const [row] = await server.query<{ remote_token: string }>('SELECT remote_token FROM console_sessions');
  const adminToken = await getToken(keystoneBase(), 'admin', keystone.adminPassword, 'admin');
  const check = () => client(keystoneBase()).get('/v3/auth/tokens', { 'X-Auth-Token': adminToken, 'X-Subject-Token': row.remote_token });
  assert.equal((await check()).status, 200, 'a token of the real Keystone');
  assert.equal(await b.signOut(), 200);
  assert.equal((await check()).status, 404, 'revoked at the real Keystone');
});
