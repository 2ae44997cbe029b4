// Sign-in throttling behind a load balancer (`[oslo_middleware]
// enable_proxy_headers_parsing = true`): every request comes from the
// balancer's address, the client is the X-Forwarded-For entry the balancer
// appended (the last). One client's failures throttle that client only, not
// everyone behind the balancer, and entries the client put first change nothing.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { passwordAuth, readOpenrc, signInFrom, startKeystoneServer, type KeystoneServer } from '../../helpers/identity';
import { removeDir } from '../../helpers/server';

const ALLOWED_FAILURES = 3;
const BALANCER = '127.0.0.31';
let server: KeystoneServer;
let admin: { user: string; password: string; project: string };

before(async () => {
  server = await startKeystoneServer({
    identity: `login_throttle_failures = ${ALLOWED_FAILURES}\nlogin_throttle_window = 600\nlockout_failure_attempts = 0`,
    extraConfig: '[oslo_middleware]\nenable_proxy_headers_parsing = true',
  });
  const env = readOpenrc(server.openrc);
  admin = { user: env.OS_USERNAME, password: env.OS_PASSWORD, project: env.OS_PROJECT_NAME };
});

after(async () => {
  await server?.stop();
  if (server) removeDir(server.dir);
});

/** A sign-in relayed by the balancer for `forwardedFor` (the header as the balancer sends it). */
const relayed = (forwardedFor: string, user: string, password: string) =>
  signInFrom(server.port, BALANCER, passwordAuth(user, password, admin.project), { 'X-Forwarded-For': forwardedFor });

test('behind a balancer, one client\'s failures throttle that client, not the others the balancer relays', async () => {
  for (let i = 0; i < ALLOWED_FAILURES; i++) assert.equal((await relayed('203.0.113.9', `nobody-${i}`, 'x')).status, 401);
  assert.equal((await relayed('203.0.113.9', admin.user, admin.password)).status, 429);
  // The client may put any address first; the balancer's own entry (the last) is what counts.
  assert.equal((await relayed('198.51.100.7, 203.0.113.9', admin.user, admin.password)).status, 429);
  // Another client behind the same balancer signs in.
  assert.equal((await relayed('203.0.113.10', admin.user, admin.password)).status, 201);
  // Without the header the balancer itself is the source, and it has not failed.
  assert.equal((await signInFrom(server.port, BALANCER, passwordAuth(admin.user, admin.password, admin.project))).status, 201);
});
