// Keystone's self-service password change, POST /v3/users/{user_id}/password:
// 204 with the original password (a token is not needed, as in Keystone),
// the user's tokens and console sessions end, the generic 401 otherwise
// (counted by the lockout), Keystone's 400s for bad bodies, and
// `openstack user password set` from the real CLI.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { client } from '../../helpers/http';
import { consoleBrowser } from '../../helpers/console';
import { getToken, makeProjectUser, passwordAuth, readOpenrc, startKeystoneServer, type KeystoneServer } from '../../helpers/identity';
import { runCli } from '../../helpers/openstack-cli';
import { removeDir } from '../../helpers/server';

const GENERIC = JSON.stringify({ error: { code: 401, message: 'The request you have made requires authentication.', title: 'Unauthorized' } });

let server: KeystoneServer;
let adminToken: string;

before(async () => {
  server = await startKeystoneServer({ identity: 'lockout_failure_attempts = 3\nlockout_duration = 3600\nlogin_throttle_failures = 0' });
  const env = readOpenrc(server.openrc);
  adminToken = await getToken(server.url, env.OS_USERNAME, env.OS_PASSWORD, env.OS_PROJECT_NAME);
});

after(async () => {
  await server?.stop();
  if (server) removeDir(server.dir);
});

const change = (userId: string, body: unknown, headers: Record<string, string> = {}) =>
  client(server.url).call('POST', `/v3/users/${userId}/password`, { body: body as object, headers });

test('a user changes its own password: 204, the old password and every token of the user stop working', async () => {
  const { userId } = await makeProjectUser(server.url, adminToken, 'pw-proj', 'pw-user', 'old-secret');
  const token = await getToken(server.url, 'pw-user', 'old-secret', 'pw-proj');
  const b = consoleBrowser(server.url);
  await b.signIn({ username: 'pw-user', password: 'old-secret', project: 'pw-proj', domain: 'Default' });
  assert.equal((await b.fetch('/api/console/images')).status, 200);

  const r = await change(userId, { user: { original_password: 'old-secret', password: 'new-secret' } }, { 'X-Auth-Token': token });
  assert.equal(r.status, 204, r.text);
  assert.equal(r.text, '');
  assert.equal((await client(server.url).get('/v2/images', { 'X-Auth-Token': token })).status, 401, 'the token is revoked');
  assert.equal((await b.fetch('/api/console/images')).status, 307, 'the console session ended');
  assert.equal((await client(server.url).post('/v3/auth/tokens', passwordAuth('pw-user', 'old-secret', 'pw-proj'))).status, 401);
  assert.equal((await client(server.url).post('/v3/auth/tokens', passwordAuth('pw-user', 'new-secret', 'pw-proj'))).status, 201);
});

test('as in Keystone, the original password is the proof: no token needed', async () => {
  const { userId } = await makeProjectUser(server.url, adminToken, 'pw-proj2', 'tokenless-user', 'first');
  assert.equal((await change(userId, { user: { original_password: 'first', password: 'second' } })).status, 204);
  assert.equal((await client(server.url).post('/v3/auth/tokens', passwordAuth('tokenless-user', 'second', 'pw-proj2'))).status, 201);
});

test('wrong original password, unknown user, locked user: the same 401, and wrong guesses lock the user', async () => {
  const { userId } = await makeProjectUser(server.url, adminToken, 'pw-proj3', 'guessed-user', 'real-one');
  for (let i = 0; i < 3; i++) {
    const r = await change(userId, { user: { original_password: `guess-${i}`, password: 'mine-now' } });
    assert.equal(r.status, 401);
    assert.equal(r.text, GENERIC);
  }
  const locked = await change(userId, { user: { original_password: 'real-one', password: 'mine-now' } });
  assert.equal(locked.status, 401, 'the lockout applies here too');
  assert.equal(locked.text, GENERIC);
  const unknown = await change('0123456789abcdef0123456789abcdef', { user: { original_password: 'x', password: 'y' } });
  assert.equal(unknown.status, 401);
  assert.equal(unknown.text, GENERIC);
  const [row] = await server.query<{ failed_auth_count: number }>("SELECT failed_auth_count FROM identity_users WHERE name = 'guessed-user'");
  assert.equal(row.failed_auth_count, 3);
});

test('malformed bodies: 400 in Keystone format, nothing changes', async () => {
  const { userId } = await makeProjectUser(server.url, adminToken, 'pw-proj4', 'strict-user', 'keep-me');
  const cases: [unknown, RegExp][] = [
    [{}, /'user' is a required property/],
    [{ user: { password: 'x' } }, /'original_password' is a required property/],
    [{ user: { original_password: 'keep-me' } }, /'password' is a required property/],
    [{ user: { original_password: 'keep-me', password: 7 } }, /is not of type 'string'/],
    [{ user: { original_password: 'keep-me', password: 'x', name: 'y' } }, /Additional properties are not allowed/],
    [{ user: { original_password: 'keep-me', password: '' } }, /Password validation error/],
  ];
  for (const [body, message] of cases) {
    const r = await change(userId, body);
    assert.equal(r.status, 400, JSON.stringify(body));
    assert.equal(r.json.error.code, 400);
    assert.equal(r.json.error.title, 'Bad Request');
    assert.match(r.json.error.message, message);
  }
  const malformed = await client(server.url).call('POST', `/v3/users/${userId}/password`, { body: '{"user": ', headers: { 'Content-Type': 'application/json' } });
  assert.equal(malformed.status, 400);
  assert.equal((await client(server.url).get(`/v3/users/${userId}/password`)).status, 405);
  assert.equal((await client(server.url).post('/v3/auth/tokens', passwordAuth('strict-user', 'keep-me', 'pw-proj4'))).status, 201);
});

test('`openstack user password set` with the real CLI', async () => {
  await makeProjectUser(server.url, adminToken, 'cli-proj', 'cli-user', 'cli-old');
  const env = {
    OS_AUTH_URL: `${server.url}/v3`,
    OS_USERNAME: 'cli-user',
    OS_PASSWORD: 'cli-old',
    OS_PROJECT_NAME: 'cli-proj',
    OS_USER_DOMAIN_NAME: 'Default',
    OS_PROJECT_DOMAIN_NAME: 'Default',
    OS_IDENTITY_API_VERSION: '3',
  };
  const wrong = await runCli('openstack', ['user', 'password', 'set', '--original-password', 'not-it', '--password', 'cli-new'], env);
  assert.notEqual(wrong.code, 0);
  const r = await runCli('openstack', ['user', 'password', 'set', '--original-password', 'cli-old', '--password', 'cli-new'], env);
  assert.equal(r.code, 0, `${r.stderr}\n${r.stdout}`);
  assert.equal((await client(server.url).post('/v3/auth/tokens', passwordAuth('cli-user', 'cli-new', 'cli-proj'))).status, 201);
  const after = await runCli('openstack', ['token', 'issue', '-f', 'value', '-c', 'user_id'], { ...env, OS_PASSWORD: 'cli-new' });
  assert.equal(after.code, 0, after.stderr);
});
