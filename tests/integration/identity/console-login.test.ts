// Console sign-in through next-auth's real endpoints: the credentials form's
// POST obtains a token from the identity service, the session is held
// server-side, dashboard pages need it, and sign-out revokes the token.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { getToken, makeProjectUser, readOpenrc, startKeystoneServer, type KeystoneServer } from '../../helpers/identity';
import { consoleBrowser, sessionCookie } from '../../helpers/console';
import { removeDir } from '../../helpers/server';

let server: KeystoneServer;

before(async () => {
  server = await startKeystoneServer();
  const env = readOpenrc(server.openrc);
  const adminToken = await getToken(server.url, env.OS_USERNAME, env.OS_PASSWORD, env.OS_PROJECT_NAME);
  await makeProjectUser(server.url, adminToken, 'console-proj', 'console-user', 'console-pw');
});

after(async () => {
  await server?.stop();
  if (server) removeDir(server.dir);
});


test('the dashboard sends a visitor without a session to the sign-in form', async () => {
  const b = consoleBrowser(server.url);
  const res = await b.fetch('/dashboard');
  assert.ok([302, 303, 307].includes(res.status), `status ${res.status}`);
  assert.match(res.headers.get('location') ?? '', /\/dashboard\/login$/);
  const login = await b.fetch('/dashboard/login');
  assert.equal(login.status, 200);
  const html = await login.text();
  for (const name of ['username', 'password', 'project', 'domain']) assert.match(html, new RegExp(`name="${name}"`));
});

test('wrong credentials: no session, and no token issued', async () => {
  const b = consoleBrowser(server.url);
  const [{ n: before }] = await server.query<{ n: number }>('SELECT COUNT(*) AS n FROM identity_tokens');
  const r = await b.signIn({ username: 'console-user', password: 'wrong', project: 'console-proj', domain: 'Default' });
  assert.match(r.url, /error=CredentialsSignin/);
  assert.equal(sessionCookie(b.jar), undefined);
  const [{ n: afterCount }] = await server.query<{ n: number }>('SELECT COUNT(*) AS n FROM identity_tokens');
  assert.equal(afterCount, before);
  assert.ok([302, 303, 307].includes((await b.fetch('/dashboard')).status));
});

test('sign in, see the dashboard as that user and project, sign out: the token is revoked', async () => {
  const b = consoleBrowser(server.url);
  const r = await b.signIn({ username: 'console-user', password: 'console-pw', project: 'console-proj', domain: 'Default' });
  assert.doesNotMatch(r.url, /error=/);
  const cookie = sessionCookie(b.jar);
  assert.ok(cookie, 'a session cookie');
  const [session] = await server.query<{ token_hash: string; user_name: string; project_name: string }>('SELECT token_hash, user_name, project_name FROM console_sessions');
  assert.equal(session.user_name, 'console-user');
  assert.equal(session.project_name, 'console-proj');
  // The browser never holds the token: the cookie is next-auth's encrypted JWT around a session id.
  assert.ok(!b.jar.get(cookie!)!.includes(session.token_hash));

  const page = await b.fetch('/dashboard');
  assert.equal(page.status, 200);
  const html = await page.text();
  assert.match(html, /console-user/);
  assert.match(html, /Project: (<!-- -->)?console-proj/);
  const sessionJson = await (await b.fetch('/api/auth/session')).json();
  assert.equal(sessionJson.user.name, 'console-user');
  assert.ok(!JSON.stringify(sessionJson).includes(session.token_hash));

  const stolen = new Map(b.jar);
  assert.equal(await b.signOut(), 200);
  assert.equal(sessionCookie(b.jar), undefined);
  const [token] = await server.query<{ revoked_at: string | null }>('SELECT revoked_at FROM identity_tokens WHERE token_hash = ?', [session.token_hash]);
  assert.notEqual(token.revoked_at, null, 'sign-out revoked the token');
  assert.deepEqual(await server.query('SELECT id FROM console_sessions'), []);
  // A copy of the old cookie is worth nothing now.
  const replay = await fetch(`${server.url}/dashboard`, {
    redirect: 'manual',
    headers: { Cookie: [...stolen].map(([k, v]) => `${k}=${v}`).join('; ') },
  });
  assert.ok([302, 303, 307].includes(replay.status), `status ${replay.status}`);
});
