// Glance 25.1's secure-RBAC personas over every image endpoint, with real
// tokens: a reader of the owning project reads only (403 on writes, as real
// Glance answers), a member of it writes (deactivate/reactivate included), a
// member of another project gets 404 for what it cannot see and 403 for public
// images it cannot change, the admin administers. Every refusal changes nothing.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startKeystoneServer, type KeystoneServer } from '../../helpers/identity';
import { makePersonas, refusal, type Client, type Personas } from '../../helpers/roles';
import { removeDir } from '../../helpers/server';
import type { Reply } from '../../helpers/http';

let server: KeystoneServer;
let p: Personas;

before(async () => {
  server = await startKeystoneServer();
  p = await makePersonas(server);
});

after(async () => {
  await server?.stop();
  if (server) removeDir(server.dir);
});

const DATA = new Uint8Array(2048).fill(7);
const OCTETS = { 'Content-Type': 'application/octet-stream' };

/** An active image of project-a, made by its member. */
const owned = (extra: object = {}) => p.member.createWithData(DATA, { name: 'owned', disk_format: 'raw', container_format: 'bare', tags: ['keep'], ...extra });

function refused(r: Reply, rule: string): void {
  assert.equal(r.status, 403, r.text);
  assert.ok(r.text.includes(refusal(rule)), `expected a refusal of ${rule}, got: ${r.text}`);
}

function hidden(r: Reply): void {
  assert.equal(r.status, 404, r.text);
}

async function row(id: string) {
  type Row = { name: string; status: string; visibility: string; owner: string | null; protected: number; deleted: number };
  const [image] = await server.query<Row>('SELECT name, status, visibility, owner, protected, deleted FROM images WHERE id = ?', [id]);
  const tags = await server.query<{ value: string }>('SELECT value FROM image_tags WHERE image_id = ? AND deleted = 0 ORDER BY value', [id]);
  const [{ n: members }] = await server.query<{ n: number }>('SELECT COUNT(*) AS n FROM image_members WHERE image_id = ? AND deleted = 0', [id]);
  return { ...image, tags: tags.map((t) => t.value), members };
}

const ids = async (c: Client) => ((await c.get('/v2/images')).json?.images ?? []).map((i: { id: string }) => i.id);

test('reading: the project reader and member and the admin see the image; another project gets 404; only members download', async () => {
  const img = await owned();
  for (const c of [p.reader, p.member, p.admin]) {
    const r = await c.get(`/v2/images/${img.id}`);
    assert.equal(r.status, 200);
    assert.equal(r.json.owner, p.projectA);
    assert.ok((await ids(c)).includes(img.id));
  }
  const foreign = await p.other.get(`/v2/images/${img.id}`);
  hidden(foreign);
  assert.match(foreign.text, /No image found with ID/);
  assert.ok(!(await ids(p.other)).includes(img.id));
  assert.equal((await p.reader.get(`/v2/images/${img.id}/members`)).status, 200, 'get_members is a reader rule');

  // download_image needs the member role, as in Glance (a reader is refused, not hidden).
  refused(await p.reader.get(`/v2/images/${img.id}/file`), 'download_image');
  for (const c of [p.member, p.admin]) {
    const r = await c.get(`/v2/images/${img.id}/file`);
    assert.equal(r.status, 200);
    assert.equal(r.text.length, DATA.length);
  }
  hidden(await p.other.get(`/v2/images/${img.id}/file`));
});

test('a reader of the owning project is refused every write with Glance\'s 403, and nothing changes', async () => {
  const img = await owned();
  const queued = await p.member.create({ name: 'queued', disk_format: 'raw', container_format: 'bare' });
  const before = await row(img.id);

  refused(await p.reader.post('/v2/images', { name: 'reader-made' }), 'add_image');
  refused(await p.reader.put(`/v2/images/${queued.id}/file`, DATA, OCTETS), 'upload_image');
  refused(await p.reader.patch(`/v2/images/${img.id}`, [{ op: 'replace', path: '/name', value: 'renamed' }]), 'modify_image');
  refused(await p.reader.patch(`/v2/images/${img.id}`, [{ op: 'replace', path: '/visibility', value: 'community' }]), 'communitize_image');
  refused(await p.reader.patch(`/v2/images/${img.id}`, [{ op: 'replace', path: '/visibility', value: 'public' }]), 'publicize_image');
  refused(await p.reader.put(`/v2/images/${img.id}/tags/new`), 'modify_image');
  refused(await p.reader.del(`/v2/images/${img.id}/tags/keep`), 'modify_image');
  refused(await p.reader.post(`/v2/images/${img.id}/members`, { member: p.projectB }), 'add_member');
  refused(await p.reader.post(`/v2/images/${img.id}/actions/deactivate`), 'deactivate');
  refused(await p.reader.post(`/v2/images/${img.id}/actions/reactivate`), 'reactivate');
  refused(await p.reader.del(`/v2/images/${img.id}`), 'delete_image');

  assert.deepEqual(await row(img.id), before);
  assert.equal((await row(queued.id)).status, 'queued');
  const [{ n }] = await server.query<{ n: number }>("SELECT COUNT(*) AS n FROM images WHERE name = 'reader-made'");
  assert.equal(n, 0);
  const events = await server.query<{ action: string }>('SELECT action FROM image_events WHERE image_id IN (?, ?) AND action NOT IN (?, ?, ?)', [img.id, queued.id, 'created', 'upload_started', 'upload_finished']);
  assert.deepEqual(events, [], 'no event recorded for a refused request');
});

test('a member of the owning project creates, uploads, edits, tags, shares, deactivates, reactivates and deletes', async () => {
  const img = await p.member.create({ name: 'lifecycle', disk_format: 'raw', container_format: 'bare' });
  assert.equal(img.owner, p.projectA);
  assert.equal((await p.member.put(`/v2/images/${img.id}/file`, DATA, OCTETS)).status, 204);
  assert.equal((await p.member.patch(`/v2/images/${img.id}`, [{ op: 'replace', path: '/name', value: 'renamed' }])).json.name, 'renamed');
  assert.equal((await p.member.patch(`/v2/images/${img.id}`, [{ op: 'replace', path: '/visibility', value: 'community' }])).json.visibility, 'community');
  refused(await p.member.patch(`/v2/images/${img.id}`, [{ op: 'replace', path: '/visibility', value: 'public' }]), 'publicize_image');
  assert.equal((await p.member.patch(`/v2/images/${img.id}`, [{ op: 'replace', path: '/visibility', value: 'shared' }])).status, 200);
  assert.equal((await p.member.put(`/v2/images/${img.id}/tags/t1`)).status, 204);
  assert.equal((await p.member.del(`/v2/images/${img.id}/tags/t1`)).status, 204);
  assert.equal((await p.member.post(`/v2/images/${img.id}/members`, { member: p.projectB })).status, 200);
  assert.equal((await p.member.del(`/v2/images/${img.id}/members/${p.projectB}`)).status, 204);
  assert.equal((await p.member.post(`/v2/images/${img.id}/actions/deactivate`)).status, 204);
  assert.equal((await row(img.id)).status, 'deactivated');
  assert.equal((await p.member.get(`/v2/images/${img.id}/file`)).status, 403, 'a deactivated image is not downloaded by non-admins');
  assert.equal((await p.member.post(`/v2/images/${img.id}/actions/reactivate`)).status, 204);
  assert.equal((await row(img.id)).status, 'active');
  assert.equal((await p.member.del(`/v2/images/${img.id}`)).status, 204);
  assert.equal((await row(img.id)).deleted, 1);
});

test('a member of another project: 404 for what it cannot see, 403 on a public image it may read and download', async () => {
  const priv = await owned({ visibility: 'private' });
  const snapshot = await row(priv.id);
  hidden(await p.other.patch(`/v2/images/${priv.id}`, [{ op: 'replace', path: '/name', value: 'x' }]));
  hidden(await p.other.del(`/v2/images/${priv.id}`));
  hidden(await p.other.post(`/v2/images/${priv.id}/actions/deactivate`));
  hidden(await p.other.put(`/v2/images/${priv.id}/tags/x`));
  hidden(await p.other.post(`/v2/images/${priv.id}/members`, { member: p.projectB }));
  assert.deepEqual(await row(priv.id), snapshot);

  const pub = await p.admin.create({ name: 'public', visibility: 'public', owner: p.projectA, disk_format: 'raw', container_format: 'bare' });
  assert.equal((await p.member.put(`/v2/images/${pub.id}/file`, DATA, OCTETS)).status, 204);
  const pubBefore = await row(pub.id);
  assert.equal((await p.other.get(`/v2/images/${pub.id}`)).status, 200);
  assert.equal((await p.other.get(`/v2/images/${pub.id}/file`)).status, 200);
  refused(await p.other.patch(`/v2/images/${pub.id}`, [{ op: 'replace', path: '/name', value: 'x' }]), 'modify_image');
  refused(await p.other.del(`/v2/images/${pub.id}`), 'delete_image');
  refused(await p.other.post(`/v2/images/${pub.id}/actions/deactivate`), 'deactivate');
  refused(await p.other.put(`/v2/images/${pub.id}/tags/x`), 'modify_image');
  assert.deepEqual(await row(pub.id), pubBefore);

  const owned403 = await p.other.post('/v2/images', { name: 'for-a', owner: p.projectA });
  assert.equal(owned403.status, 403);
  assert.ok(owned403.text.includes(`You are not permitted to create images owned by &#x27;${p.projectA}&#x27;`), owned403.text);
});

test('shares: the member project accepts and downloads but cannot change the image; the owner cannot accept for it', async () => {
  const img = await owned();
  assert.equal((await p.member.post(`/v2/images/${img.id}/members`, { member: p.projectB })).status, 200);
  refused(await p.member.put(`/v2/images/${img.id}/members/${p.projectB}`, JSON.stringify({ status: 'accepted' })), 'modify_member');
  const accept = await p.other.put(`/v2/images/${img.id}/members/${p.projectB}`, JSON.stringify({ status: 'accepted' }));
  assert.equal(accept.status, 200);
  assert.equal(accept.json.status, 'accepted');
  assert.equal((await p.other.get(`/v2/images/${img.id}/file`)).status, 200);
  refused(await p.other.patch(`/v2/images/${img.id}`, [{ op: 'replace', path: '/name', value: 'stolen' }]), 'modify_image');
  refused(await p.other.del(`/v2/images/${img.id}`), 'delete_image');
  refused(await p.other.post(`/v2/images/${img.id}/members`, { member: 'tenant-z' }), 'add_member');
  refused(await p.other.del(`/v2/images/${img.id}/members/${p.projectB}`), 'delete_member');
  assert.equal((await row(img.id)).name, 'owned');
  assert.equal((await row(img.id)).members, 1);
});

test('the admin administers any project\'s image: owner, publicize, deactivate, reactivate, delete', async () => {
  const img = await owned();
  assert.equal((await p.admin.patch(`/v2/images/${img.id}`, [{ op: 'replace', path: '/visibility', value: 'public' }])).json.visibility, 'public');
  assert.equal((await p.admin.post(`/v2/images/${img.id}/actions/deactivate`)).status, 204);
  assert.equal((await p.admin.get(`/v2/images/${img.id}/file`)).status, 200, 'admins still download a deactivated image');
  assert.equal((await p.admin.post(`/v2/images/${img.id}/actions/reactivate`)).status, 204);
  assert.equal((await p.admin.patch(`/v2/images/${img.id}`, [{ op: 'replace', path: '/owner', value: p.projectB }])).json.owner, p.projectB);
  assert.equal((await p.admin.del(`/v2/images/${img.id}`)).status, 204);
  assert.equal((await row(img.id)).deleted, 1);
});

test("the members API hides and refuses in its own words, as Glance's", async () => {
  const img = await owned();
  const hiddenList = await p.other.get(`/v2/images/${img.id}/members`);
  hidden(hiddenList);
  assert.ok(hiddenList.text.includes(`Image ${img.id} not found.`), hiddenList.text);
  const pub = await p.admin.create({ name: 'public-members', visibility: 'public', owner: p.projectA });
  const notShared = await p.other.get(`/v2/images/${pub.id}/members`);
  assert.equal(notShared.status, 403);
  assert.ok(notShared.text.includes(`Not allowed to list members for image ${pub.id}: Only shared images have members.`), notShared.text);
  assert.equal((await p.member.put(`/v2/images/${pub.id}/members/${p.projectB}`, JSON.stringify({ status: 'accepted' }))).status, 403);
  assert.equal((await p.member.get(`/v2/images/${pub.id}/members/${p.projectB}`)).status, 404);
});
