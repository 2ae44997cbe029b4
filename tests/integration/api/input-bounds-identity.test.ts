// The identity API's bodies are bounded like Glance's (Keystone runs the same
// oslo sizelimit middleware): 413 once max_request_body_size is passed,
// whether declared or streamed; malformed bodies get Keystone's 400.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { removeDir } from '../../helpers/server';
import { startKeystoneServer, type KeystoneServer, readOpenrc, getToken, passwordAuth } from '../../helpers/identity';
import { call } from '../../helpers/http';
import { rawRequest } from '../../helpers/raw-http';

let server: KeystoneServer;

before(async () => {
  server = await startKeystoneServer({ extraConfig: '[oslo_middleware]\nmax_request_body_size = 4096' });
});

after(async () => {
  await server?.stop();
  if (server) removeDir(server.dir);
});

const tooLarge = (message: string) => ({ error: { code: 413, message, title: 'Request Entity Too Large' } });

test('POST /v3/auth/tokens: 413 past the configured limit, declared or chunked; the server still signs in', async () => {
  const headers = { 'Content-Type': 'application/json' };
  const declared = await rawRequest(server.port, 'POST', '/v3/auth/tokens', headers, { prefix: '{"auth": "', size: 10_000_000 });
  assert.equal(declared.status, 413);
  assert.deepEqual(JSON.parse(declared.body), tooLarge('Request is too large. Larger than max_request_body_size (4096).'));
  assert.ok(declared.sent < 10_000_000, `answered after ${declared.sent} bytes`);
  const chunked = await rawRequest(server.port, 'POST', '/v3/auth/tokens', headers, { prefix: '{"auth": "', size: 10_000_000, chunked: true });
  assert.equal(chunked.status, 413);
  assert.deepEqual(JSON.parse(chunked.body), tooLarge('Request is too large. Larger than 4096.'));
  assert.ok(chunked.sent < 10_000_000, `answered after ${chunked.sent} bytes`);

  const env = readOpenrc(server.openrc);
  const token = await getToken(server.url, env.OS_USERNAME, env.OS_PASSWORD, env.OS_PROJECT_NAME);
  assert.ok(token);
  const big = await call(server.url, 'POST', '/v3/users', { body: { user: { name: 'x', description: 'd'.repeat(5000) } }, headers: { 'X-Auth-Token': token } });
  assert.equal(big.status, 413);
  const [{ n }] = await server.query<{ n: number }>("select count(*) as n from identity_users where name = 'x'");
  assert.equal(n, 0);
});

test('malformed identity bodies: Keystone\'s 400, with the reason where Keystone would fail', async () => {
  const bad = await call(server.url, 'POST', '/v3/auth/tokens', { body: Buffer.from([0x7b, 0xff, 0x7d]), headers: { 'Content-Type': 'application/json' } });
  assert.equal(bad.status, 400);
  assert.equal(bad.json.error.message, 'The request you have made is not valid: malformed JSON in request body.');
  const deep = await call(server.url, 'POST', '/v3/auth/tokens', { body: `{"auth": ${'['.repeat(1000)}${']'.repeat(1000)}}`, headers: { 'Content-Type': 'application/json' } });
  assert.equal(deep.status, 400);
  assert.equal(deep.json.error.message, 'The request you have made is not valid: malformed JSON in request body: nested deeper than 32 levels.');
  const env = readOpenrc(server.openrc);
  const ok = await call(server.url, 'POST', '/v3/auth/tokens', { body: passwordAuth(env.OS_USERNAME, env.OS_PASSWORD, env.OS_PROJECT_NAME) });
  assert.equal(ok.status, 201);
});

test('an undecodable cookie is ignored: the console asks for a sign-in instead of failing', async () => {
  const cookie = 'next-auth.session-token=%E0%A4%A; broken%=x; other=%';
  for (const p of ['/api/console/images', '/api/console/status-flow', '/dashboard']) {
    const res = await fetch(server.url + p, { redirect: 'manual', headers: { Cookie: cookie } });
    await res.text();
    assert.ok([303, 307, 308].includes(res.status), `${p}: ${res.status}`);
    assert.match(res.headers.get('location') ?? '', /\/dashboard\/login$/, p);
  }
});
