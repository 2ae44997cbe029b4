// The console's session: until the identity work lands, only the noauth
// flavor acts (as its admin); any other flavor is sent to the sign-in page,
// pages and console JSON routes alike.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, removeDir, type TestServer } from '../../helpers/server';

let server: TestServer;

before(async () => {
  server = await startServer({ flavor: 'trusted-headers' });
});

after(async () => {
  await server?.stop();
  if (server) removeDir(server.dir);
});

test('without a noauth flavor the console redirects to /dashboard/login', async () => {
  for (const p of ['/dashboard', '/dashboard/status-flow', '/api/console/images', '/api/console/status-flow']) {
    const res = await fetch(server.url + p, { redirect: 'manual' });
    assert.ok([303, 307, 308].includes(res.status), `${p}: ${res.status}`);
    assert.match(res.headers.get('location') ?? '', /\/dashboard\/login$/, p);
  }
  const [{ n }] = await server.query<{ n: number }>('select count(*) as n from images');
  assert.equal(n, 0);
});

test('a tus upload cannot start without a console session', async () => {
  const res = await fetch(`${server.url}/api/console/uploads`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'Tus-Resumable': '1.0.0', 'Upload-Length': '10', 'Upload-Metadata': `imageId ${Buffer.from('6f1c0c2e-0000-4000-8000-000000000000').toString('base64')}` },
  });
  assert.ok([303, 307, 308].includes(res.status), String(res.status));
});
