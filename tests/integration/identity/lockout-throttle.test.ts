// Per-source throttling of failed sign-ins: keyed by the socket's peer
// address (a client-chosen X-Forwarded-For changes nothing), 429 at once
// when an address has failed too often, whichever user it tries; successes
// do not count; parallel failures all count; console sign-ins share the count.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { consoleBrowser, sessionCookie } from '../../helpers/console';
import { passwordAuth, readOpenrc, signInFrom, startKeystoneServer, type KeystoneServer } from '../../helpers/identity';
import { removeDir } from '../../helpers/server';

const ALLOWED_FAILURES = 5;
let server: KeystoneServer;
let admin: { user: string; password: string; project: string };

before(async () => {
  server = await startKeystoneServer({
    identity: `login_throttle_failures = ${ALLOWED_FAILURES}\nlogin_throttle_window = 600\nlockout_failure_attempts = 0`,
  });
  const env = readOpenrc(server.openrc);
  admin = { user: env.OS_USERNAME, password: env.OS_PASSWORD, project: env.OS_PROJECT_NAME };
});

after(async () => {
  await server?.stop();
  if (server) removeDir(server.dir);
});

/** POST /v3/auth/tokens as the admin project from a chosen loopback address. */
const signIn = (from: string, user: string, password: string, headers: Record<string, string> = {}) =>
  signInFrom(server.port, from, passwordAuth(user, password, admin.project), headers);

test('an address that failed too often gets 429 at once, even with the right password and a forged X-Forwarded-For', async () => {
  const from = '127.0.0.11';
  for (let i = 0; i < ALLOWED_FAILURES; i++) {
    // Different (and unknown) users: the throttle is per source, not per user.
    assert.equal((await signIn(from, `nobody-${i}`, 'x')).status, 401);
  }
  const refused = await signIn(from, admin.user, admin.password);
  assert.equal(refused.status, 429, refused.body);
  assert.deepEqual(JSON.parse(refused.body), {
    error: { code: 429, message: 'Too many failed authentication attempts from this address; try again later.', title: 'Too Many Requests' },
  });
  const retryAfter = Number(refused.headers['retry-after']);
  assert.ok(retryAfter > 0 && retryAfter <= 600, `Retry-After ${refused.headers['retry-after']}`);
  assert.equal(refused.headers['x-subject-token'], undefined);
  const forged = await signIn(from, admin.user, admin.password, { 'X-Forwarded-For': '203.0.113.9' });
  assert.equal(forged.status, 429, 'the client-sent X-Forwarded-For is not the source');
  // Another address is not affected.
  assert.equal((await signIn('127.0.0.12', admin.user, admin.password)).status, 201);
});

test('a throttled answer costs no password check', async () => {
  const from = '127.0.0.13';
  const failures: number[] = [];
  for (let i = 0; i < ALLOWED_FAILURES; i++) failures.push((await signIn(from, admin.user, `wrong-${i}`)).ms);
  const throttled: number[] = [];
  for (let i = 0; i < ALLOWED_FAILURES; i++) {
    const r = await signIn(from, admin.user, `wrong-again-${i}`);
    assert.equal(r.status, 429);
    throttled.push(r.ms);
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  assert.ok(median(throttled) < median(failures), `throttled ${median(throttled)} ms vs checked ${median(failures)} ms`);
});

test('successful sign-ins do not count against the address', async () => {
  const from = '127.0.0.14';
  for (let i = 0; i < ALLOWED_FAILURES * 2; i++) assert.equal((await signIn(from, admin.user, admin.password)).status, 201);
  assert.equal((await signIn(from, admin.user, 'wrong')).status, 401);
});

test('parallel failures from one address all count: only the allowance is checked', async () => {
  const replies = await Promise.all(Array.from({ length: 20 }, (_, i) => signIn('127.0.0.15', admin.user, `wrong-${i}`)));
  const statuses = replies.map((r) => r.status).sort();
  assert.deepEqual(statuses, [...Array(ALLOWED_FAILURES).fill(401), ...Array(20 - ALLOWED_FAILURES).fill(429)]);
});

test('console sign-ins are throttled by the same address count as /v3', async () => {
  // consoleBrowser connects from 127.0.0.1, which no other test here uses.
  const b = consoleBrowser(server.url);
  for (let i = 0; i < ALLOWED_FAILURES; i++) {
    const r = await b.signIn({ username: admin.user, password: `console-wrong-${i}`, project: admin.project, domain: 'Default' });
    assert.match(r.url, /error=CredentialsSignin/);
  }
  // The console's failures count for the address's /v3 attempts ...
  assert.equal((await signIn('127.0.0.1', admin.user, admin.password)).status, 429);
  // ... and its own: the right password is refused with the reason, and no session is made.
  const refused = await b.signIn({ username: admin.user, password: admin.password, project: admin.project, domain: 'Default' });
  assert.match(decodeURIComponent(refused.url), /error=Too many failed authentication attempts from this address/);
  assert.equal(sessionCookie(b.jar), undefined);
  assert.deepEqual(await server.query('SELECT id FROM console_sessions'), []);
});
