// A Cookie header that does not percent-decode (`%E0%A4%A`) is someone
// else's cookie, not an error: every console page and route answers as it
// would without it (sign-in redirect, or the signed-in answer), never 500.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { consoleBrowser } from '../../helpers/console';
import { client } from '../../helpers/http';
import { getToken, readOpenrc, startKeystoneServer, type KeystoneServer } from '../../helpers/identity';
import { removeDir } from '../../helpers/server';

let server: KeystoneServer;
let env: Record<string, string>;
let imageId: string;

before(async () => {
  server = await startKeystoneServer();
  env = readOpenrc(server.openrc);
  const token = await getToken(server.url, env.OS_USERNAME, env.OS_PASSWORD, env.OS_PROJECT_NAME);
  imageId = (await client(server.url, { 'X-Auth-Token': token }).create({ name: 'cookie-test' })).id;
});

after(async () => {
  await server?.stop();
  if (server) removeDir(server.dir);
});

const BAD = ['next-auth.session-token=%E0%A4%A', '%E0%A4%A=1', 'a=%', '__Secure-next-auth.session-token=%ZZ'];

const routes = (): [string, string][] => [
  ['GET', '/dashboard'],
  ['GET', `/dashboard/images/${imageId}`],
  ['GET', '/dashboard/status-flow'],
  ['GET', '/dashboard/login'],
  ['GET', '/api/console/images'],
  ['GET', `/api/console/images/${imageId}`],
  ['GET', '/api/console/status-flow'],
  ['GET', `/api/console/images/${imageId}/file`],
  ['POST', `/api/console/images/${imageId}/actions/protect`],
  ['DELETE', `/api/console/images/${imageId}`],
  ['HEAD', `/api/console/uploads/${imageId}`],
  ['GET', '/api/auth/session'],
  ['GET', '/api/auth/csrf'],
];

test('without a session: an undecodable cookie changes nothing (sign-in redirect or the public answer), never a 500', async () => {
  for (const cookie of BAD) {
    for (const [method, path] of routes()) {
      const res = await fetch(server.url + path, { method, headers: { Cookie: cookie }, redirect: 'manual' });
      await res.arrayBuffer();
      assert.ok(res.status < 500, `${method} ${path} with ${cookie}: ${res.status}`);
      if (path.startsWith('/api/auth/') || path === '/dashboard/login') assert.equal(res.status, 200, `${method} ${path}`);
      else if (!path.startsWith('/api/console/uploads')) {
        assert.equal(res.status, 307, `${method} ${path} with ${cookie}`);
        assert.match(res.headers.get('location') ?? '', /\/dashboard\/login$/);
      }
    }
  }
  assert.equal((await server.query<{ protected: number }>('SELECT protected FROM images WHERE id = ?', [imageId]))[0].protected, 0);
});

test('with a session: an undecodable cookie beside it is ignored and the console works', async () => {
  const b = consoleBrowser(server.url);
  await b.signIn({ username: env.OS_USERNAME, password: env.OS_PASSWORD, project: env.OS_PROJECT_NAME, domain: 'Default' });
  const session = [...b.jar].map(([k, v]) => `${k}=${v}`).join('; ');
  for (const bad of BAD.filter((c) => !c.startsWith('next-auth.session-token'))) {
    const cookie = `${bad}; ${session}`;
    const list = await fetch(`${server.url}/api/console/images`, { headers: { Cookie: cookie } });
    assert.equal(list.status, 200, bad);
    assert.ok(((await list.json()) as { images: { id: string }[] }).images.some((i) => i.id === imageId));
    const page = await fetch(`${server.url}/dashboard`, { headers: { Cookie: cookie }, redirect: 'manual' });
    await page.arrayBuffer();
    assert.equal(page.status, 200, bad);
  }
});
