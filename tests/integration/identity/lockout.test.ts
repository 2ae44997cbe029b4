// The lockout under attack: parallel guesses all count (no right password
// slips through once the limit is reached), every refusal is the same
// Keystone 401 with the same scrypt cost, the admin can be locked out too,
// and `npm run manage -- unlock-user` / `reset-password` let it back in.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { client } from '../../helpers/http';
import { getToken, makeProjectUser, passwordAuth, readOpenrc, startKeystoneServer, type KeystoneServer } from '../../helpers/identity';
import { removeDir } from '../../helpers/server';
import { ROOT } from '../../../scripts/lib/server';

const LIMIT = 5;
const GENERIC = { error: { code: 401, message: 'The request you have made requires authentication.', title: 'Unauthorized' } };

let server: KeystoneServer;
let admin: { user: string; password: string; project: string };
let adminToken: string;

before(async () => {
  // Per-source throttling off: every attempt here comes from 127.0.0.1.
  server = await startKeystoneServer({ identity: `lockout_failure_attempts = ${LIMIT}\nlockout_duration = 3600\nlogin_throttle_failures = 0` });
  const env = readOpenrc(server.openrc);
  admin = { user: env.OS_USERNAME, password: env.OS_PASSWORD, project: env.OS_PROJECT_NAME };
  adminToken = await getToken(server.url, admin.user, admin.password, admin.project);
});

after(async () => {
  await server?.stop();
  if (server) removeDir(server.dir);
});

const tokenRequest = (user: string, password: string, project = 'lock-proj') => client(server.url).post('/v3/auth/tokens', passwordAuth(user, password, project));

async function failedCount(user: string): Promise<number> {
  const [row] = await server.query<{ failed_auth_count: number }>('SELECT failed_auth_count FROM identity_users WHERE name = ?', [user]);
  return row.failed_auth_count;
}

test('40 parallel guesses, the right password last: no token, and only the limit of attempts was ever checked', async () => {
  await makeProjectUser(server.url, adminToken, 'lock-proj', 'parallel-user', 'right-password');
  const guesses = Array.from({ length: 39 }, (_, i) => tokenRequest('parallel-user', `wrong-${i}`));
  guesses.push(tokenRequest('parallel-user', 'right-password'));
  const replies = await Promise.all(guesses);
  assert.deepEqual(replies.map((r) => r.status), Array(40).fill(401));
  for (const r of replies) assert.deepEqual(r.json, GENERIC);
  assert.equal(await failedCount('parallel-user'), LIMIT, 'exactly the limit of attempts was counted');
  assert.equal((await tokenRequest('parallel-user', 'right-password')).status, 401, 'still locked');
});

test('parallel sign-ins with the right password: tokens or the generic 401, and the user is left unlocked', async () => {
  await makeProjectUser(server.url, adminToken, 'lock-proj2', 'burst-user', 'burst-pw');
  const replies = await Promise.all(Array.from({ length: 40 }, () => tokenRequest('burst-user', 'burst-pw', 'lock-proj2')));
  // A success gives its slot back, so more than the limit may succeed over the burst, never a failure more.
  assert.ok(replies.some((r) => r.status === 201));
  for (const r of replies.filter((x) => x.status !== 201)) assert.deepEqual([r.status, r.json], [401, GENERIC]);
  assert.equal(await failedCount('burst-user'), 0);
  assert.equal((await tokenRequest('burst-user', 'burst-pw', 'lock-proj2')).status, 201);
});

test('locked, wrong password, unknown user, unknown domain, disabled user: one identical 401', async () => {
  const { userId } = await makeProjectUser(server.url, adminToken, 'same-proj', 'disabled-user', 'dis-pw');
  const disable = await client(server.url).call('PATCH', `/v3/users/${userId}`, { body: { user: { enabled: false } }, headers: { 'X-Auth-Token': adminToken } });
  assert.equal(disable.status, 200);
  const cases = {
    locked: passwordAuth('parallel-user', 'right-password', 'lock-proj'),
    wrongPassword: passwordAuth(admin.user, 'not-the-password', admin.project),
    unknownUser: passwordAuth('nobody-at-all', 'whatever', admin.project),
    unknownDomain: { auth: { identity: { methods: ['password'], password: { user: { name: admin.user, domain: { name: 'NoSuchDomain' }, password: admin.password } } } } },
    disabled: passwordAuth('disabled-user', 'dis-pw', 'same-proj'),
  };
  for (const [name, body] of Object.entries(cases)) {
    const r = await client(server.url).post('/v3/auth/tokens', body);
    assert.equal(r.status, 401, name);
    assert.equal(r.text, JSON.stringify(GENERIC), name);
    assert.equal(r.headers.get('x-subject-token'), null, name);
  }
  // The one wrong admin password is forgotten by the next success.
  adminToken = await getToken(server.url, admin.user, admin.password, admin.project);
});

test('timing does not tell a locked or unknown user from a wrong password', async () => {
  await makeProjectUser(server.url, adminToken, 'timing-proj', 'timing-user', 'timing-pw');
  const timed = async (user: string) => {
    const t0 = performance.now();
    assert.equal((await tokenRequest(user, 'a-wrong-one', 'timing-proj')).status, 401);
    return performance.now() - t0;
  };
  const samples: Record<'wrong' | 'locked' | 'unknown', number[]> = { wrong: [], locked: [], unknown: [] };
  // Interleaved, so that load from other work on the machine hits all three alike; 4 < LIMIT keeps timing-user unlocked.
  for (let i = 0; i < LIMIT - 1; i++) {
    samples.wrong.push(await timed('timing-user'));
    samples.locked.push(await timed('parallel-user'));
    samples.unknown.push(await timed('no-such-user'));
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const wrong = median(samples.wrong);
  // Each does one scrypt (tens of ms); an early exit would take a few ms.
  assert.ok(median(samples.locked) > wrong / 2, `locked ${median(samples.locked)} ms vs wrong ${wrong} ms`);
  assert.ok(median(samples.unknown) > wrong / 2, `unknown ${median(samples.unknown)} ms vs wrong ${wrong} ms`);
});

function manage(args: string[], stdin?: string): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    const child = spawn('npm', ['run', '--silent', 'manage', '--', ...args, '--config-file', server.configFile], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: server.databaseUrl },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.stdin.end(stdin ?? '');
    child.once('close', (code) => resolve({ code: code ?? 1, out }));
  });
}

test('the admin can be locked out; `npm run manage -- unlock-user` lets it in again', async () => {
  for (let i = 0; i < LIMIT; i++) assert.equal((await tokenRequest(admin.user, `guess-${i}`, admin.project)).status, 401);
  const locked = await tokenRequest(admin.user, admin.password, admin.project);
  assert.equal(locked.status, 401);
  assert.equal(await failedCount(admin.user), LIMIT);

  const unknown = await manage(['unlock-user', 'nobody-at-all']);
  assert.equal(unknown.code, 1, unknown.out);
  assert.match(unknown.out, /no user named "nobody-at-all"/);

  const unlocked = await manage(['unlock-user', admin.user]);
  assert.equal(unlocked.code, 0, unlocked.out);
  assert.match(unlocked.out, new RegExp(`user "${admin.user}" unlocked \\(${LIMIT} failed attempts forgotten\\)`));
  assert.equal(await failedCount(admin.user), 0);
  adminToken = await getToken(server.url, admin.user, admin.password, admin.project);
});

test('`npm run manage -- reset-password` sets the password from stdin, unlocks, and revokes the tokens', async () => {
  for (let i = 0; i < LIMIT; i++) await tokenRequest(admin.user, `guess-${i}`, admin.project);
  assert.equal(await failedCount(admin.user), LIMIT);
  const reset = await manage(['reset-password', admin.user], 'a-brand-new-password\n');
  assert.equal(reset.code, 0, reset.out);
  assert.doesNotMatch(reset.out, /a-brand-new-password/, 'a password given on stdin is not echoed');
  assert.equal((await client(server.url).get('/v2/images', { 'X-Auth-Token': adminToken })).status, 401, 'old tokens are revoked');
  assert.equal((await tokenRequest(admin.user, admin.password, admin.project)).status, 401, 'the old password is gone');
  assert.equal((await tokenRequest(admin.user, 'a-brand-new-password', admin.project)).status, 201);

  // Without stdin input a password is generated and printed once.
  const generated = await manage(['reset-password', admin.user]);
  assert.equal(generated.code, 0, generated.out);
  const printed = /password: (\S+)/.exec(generated.out)?.[1];
  assert.ok(printed, generated.out);
  assert.equal((await tokenRequest(admin.user, printed, admin.project)).status, 201);
});
