// The console's delayed-delete routes are for admins (Glance's restore is an
// operator's command): a member or reader of the owning project neither sees
// the pending_delete images nor restores one; a cross-origin POST is refused
// even for the admin; the admin's same-origin restore brings the image back.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { consoleBrowser } from '../../helpers/console';
import { readOpenrc, startKeystoneServer, type KeystoneServer } from '../../helpers/identity';
import { makePersonas, type Personas } from '../../helpers/roles';
import { removeDir } from '../../helpers/server';

let server: KeystoneServer;
let p: Personas;

before(async () => {
  server = await startKeystoneServer({ extraConfig: '[DEFAULT]\ndelayed_delete = true\nscrub_time = 3600\nwakeup_time = 1\n' });
  p = await makePersonas(server);
});

after(async () => {
  await server?.stop();
  if (server) removeDir(server.dir);
});

async function signedIn(login: { username: string; password: string; project: string; domain: string }) {
  const b = consoleBrowser(server.url);
  const r = await b.signIn(login);
  assert.doesNotMatch(r.url, /error=/);
  const send = (method: string, path: string, origin: string | null = server.url) =>
    b.fetch(path, { method, headers: { Accept: 'application/json', ...(origin ? { Origin: origin } : {}) } });
  return send;
}

/** The console carries Glance's error text as its JSON message. */
const glanceText = (t: string) => `${t}<br /><br />\n\n\n`;
const statusOf = async (id: string) => (await server.query<{ status: string }>('SELECT status FROM images WHERE id = ?', [id]))[0].status;

test('member and reader: 403 on the list and on restore; the admin: cross-origin refused, same-origin restored', async () => {
  const img = await p.member.createWithData(new Uint8Array(4096).fill(7), { name: 'members-image', disk_format: 'raw', container_format: 'bare' });
  assert.equal((await p.member.del(`/v2/images/${img.id}`)).status, 204);
  assert.equal(await statusOf(img.id), 'pending_delete');

  for (const who of ['member', 'reader'] as const) {
    const send = await signedIn(p.login[who]);
    const list = await send('GET', '/api/console/pending-deletes');
    assert.equal(list.status, 403, who);
    assert.equal((await list.json()).message, glanceText('Only an admin may see or restore images awaiting deletion.'));
    const restore = await send('POST', `/api/console/pending-deletes/${img.id}/restore`);
    assert.equal(restore.status, 403, who);
    assert.equal(await statusOf(img.id), 'pending_delete');
  }

  const env = readOpenrc(server.openrc);
  const admin = await signedIn({ username: env.OS_USERNAME, password: env.OS_PASSWORD, project: env.OS_PROJECT_NAME, domain: 'Default' });
  const list = await (await admin('GET', '/api/console/pending-deletes')).json();
  const entry = list.images.find((i: { id: string }) => i.id === img.id);
  assert.equal(entry.name, 'members-image');
  assert.equal(entry.size, 4096);
  assert.equal(new Date(entry.scrub_after).getTime() - new Date(entry.deleted_at).getTime(), 3600_000);

  const forged = await admin('POST', `/api/console/pending-deletes/${img.id}/restore`, 'http://evil.example');
  assert.equal(forged.status, 403);
  assert.equal(await statusOf(img.id), 'pending_delete');

  const restored = await admin('POST', `/api/console/pending-deletes/${img.id}/restore`);
  assert.equal(restored.status, 204);
  assert.equal(await statusOf(img.id), 'active');
  const shown = await p.member.get(`/v2/images/${img.id}`);
  assert.equal(shown.status, 200);
  assert.equal(shown.json.checksum, img.checksum);
  const again = await admin('POST', `/api/console/pending-deletes/${img.id}/restore`);
  assert.equal(again.status, 409);
  assert.equal((await again.json()).message, glanceText('cannot restore the image from active to active (wanted from_state=pending_delete)'));
  const [ev] = await server.query<{ action: string; user_id: string | null }>("SELECT action, user_id FROM image_events WHERE image_id = ? AND action = 'restored'", [img.id]);
  assert.ok(ev.user_id, 'the restore is recorded with the admin who did it');
});
