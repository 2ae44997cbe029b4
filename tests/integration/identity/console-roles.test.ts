// The console follows the same policy as the API: it is told which actions
// each image allows (from the server's rules), offers nothing else, and its
// routes refuse a reader's writes with Glance's 403 while a member of the
// owning project may deactivate and reactivate its own image.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { consoleBrowser } from '../../helpers/console';
import { startKeystoneServer, type KeystoneServer } from '../../helpers/identity';
import { makePersonas, refusal, type Personas } from '../../helpers/roles';
import { removeDir } from '../../helpers/server';

let server: KeystoneServer;
let p: Personas;
let imageId: string;

before(async () => {
  server = await startKeystoneServer();
  p = await makePersonas(server);
  const img = await p.member.createWithData(new Uint8Array(1024).fill(3), { name: 'console-owned', disk_format: 'raw', container_format: 'bare' });
  imageId = img.id;
});

after(async () => {
  await server?.stop();
  if (server) removeDir(server.dir);
});

async function signedIn(who: 'member' | 'reader' | 'other') {
  const b = consoleBrowser(server.url);
  const r = await b.signIn(p.login[who]);
  assert.doesNotMatch(r.url, /error=/);
  // A same-origin browser request, as the console's own pages send it.
  const send = (method: string, path: string, body?: string, headers: Record<string, string> = {}) =>
    b.fetch(path, { method, body, headers: { Origin: server.url, Accept: 'application/json', ...(body ? { 'Content-Type': 'application/json' } : {}), ...headers } });
  return { b, send };
}

const NOTHING = { edit: false, delete: false, upload: false, download: false, deactivate: false, reactivate: false, protect: false, share: false };

async function row() {
  const [r] = await server.query('SELECT name, status, protected, deleted FROM images WHERE id = ?', [imageId]);
  return r;
}

test('a reader is offered no write action, and every console route refuses one; nothing changes', async () => {
  const { b, send } = await signedIn('reader');
  const list = await (await send('GET', '/api/console/images?limit=50')).json();
  assert.ok(list.images.some((i: { id: string }) => i.id === imageId));
  assert.deepEqual(list.allowed[imageId], NOTHING);
  const detail = await (await send('GET', `/api/console/images/${imageId}`)).json();
  assert.equal(detail.image.id, imageId);
  assert.deepEqual(detail.allowed, NOTHING);
  const page = await (await b.fetch('/dashboard')).text();
  assert.ok(!page.includes('data-testid="drop-zone"'), 'no upload area for a reader');

  const before = await row();
  const expectRefused = async (res: Response, rule: string) => {
    assert.equal(res.status, 403, `${rule}: ${res.status}`);
    const body = await res.json();
    assert.ok(body.message.includes(refusal(rule)), body.message);
  };
  await expectRefused(await send('POST', `/api/console/images/${imageId}/actions/deactivate`), 'deactivate');
  await expectRefused(await send('POST', `/api/console/images/${imageId}/actions/protect`), 'modify_image');
  await expectRefused(await send('PATCH', `/api/console/images/${imageId}`, JSON.stringify([{ op: 'replace', path: '/name', value: 'x' }])), 'modify_image');
  await expectRefused(await send('DELETE', `/api/console/images/${imageId}`), 'delete_image');
  await expectRefused(await send('POST', '/api/console/images', JSON.stringify({ name: 'reader-console' })), 'add_image');
  const download = await send('GET', `/api/console/images/${imageId}/file`);
  assert.equal(download.status, 403);
  await download.arrayBuffer();
  const tus = await send('POST', '/api/console/uploads', undefined, {
    'Tus-Resumable': '1.0.0',
    'Upload-Length': '5',
    'Upload-Metadata': `imageId ${Buffer.from(imageId).toString('base64')}`,
  });
  assert.equal(tus.status, 403);
  assert.ok((await tus.text()).includes(refusal('upload_image')));

  assert.deepEqual(await row(), before);
  const [{ n }] = await server.query<{ n: number }>("SELECT COUNT(*) AS n FROM images WHERE name = 'reader-console'");
  assert.equal(n, 0);
});

test('another project sees nothing of a shared image it is not a member of', async () => {
  const { send } = await signedIn('other');
  const list = await (await send('GET', '/api/console/images?limit=50')).json();
  assert.ok(!list.images.some((i: { id: string }) => i.id === imageId));
  assert.equal((await send('GET', `/api/console/images/${imageId}`)).status, 404);
  assert.equal((await send('POST', `/api/console/images/${imageId}/actions/deactivate`)).status, 404);
});

test('a member of the owning project is offered and may use deactivate, reactivate and protect', async () => {
  const { b, send } = await signedIn('member');
  const list = await (await send('GET', '/api/console/images?limit=50')).json();
  assert.deepEqual(list.allowed[imageId], { ...NOTHING, edit: true, delete: true, upload: true, download: true, deactivate: true, reactivate: true, protect: true, share: true });
  assert.ok((await (await b.fetch('/dashboard')).text()).includes('data-testid="drop-zone"'), 'members get the upload area');
  assert.equal((await send('POST', `/api/console/images/${imageId}/actions/deactivate`)).status, 204);
  assert.equal((await row()).status, 'deactivated');
  assert.equal((await send('POST', `/api/console/images/${imageId}/actions/reactivate`)).status, 204);
  assert.equal((await send('POST', `/api/console/images/${imageId}/actions/protect`)).status, 200);
  assert.deepEqual(await row(), { name: 'console-owned', status: 'active', protected: 1, deleted: 0 });
  assert.equal((await send('POST', `/api/console/images/${imageId}/actions/unprotect`)).status, 200);
});
