// Glance's default access rules over tokens from the embedded identity
// service: two projects see only what Glance would let them see; members,
// admin-only actions, and the members API with its statuses.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { client } from '../../helpers/http';
import { getToken, makeProjectUser, readOpenrc, startKeystoneServer, type KeystoneServer } from '../../helpers/identity';
import { removeDir } from '../../helpers/server';

let server: KeystoneServer;
let admin: ReturnType<typeof client>;
let alice: ReturnType<typeof client>; // project-a, member
let bob: ReturnType<typeof client>; // project-b, member
let projectA: string;
let projectB: string;

before(async () => {
  server = await startKeystoneServer();
  const env = readOpenrc(server.openrc);
  const adminToken = await getToken(server.url, env.OS_USERNAME, env.OS_PASSWORD, env.OS_PROJECT_NAME);
  ({ projectId: projectA } = await makeProjectUser(server.url, adminToken, 'project-a', 'alice', 'alice-pw'));
  ({ projectId: projectB } = await makeProjectUser(server.url, adminToken, 'project-b', 'bob', 'bob-pw'));
  admin = client(server.url, { 'X-Auth-Token': adminToken });
  alice = client(server.url, { 'X-Auth-Token': await getToken(server.url, 'alice', 'alice-pw', 'project-a') });
  bob = client(server.url, { 'X-Auth-Token': await getToken(server.url, 'bob', 'bob-pw', 'project-b') });
});

after(async () => {
  await server?.stop();
  if (server) removeDir(server.dir);
});

const ids = (r: { json: { images: { id: string }[] } }) => r.json.images.map((i) => i.id).sort();

test('/v2 without a token or with a bad one: 401 JSON with WWW-Authenticate, nothing created', async () => {
  const anon = client(server.url);
  for (const headers of [{}, { 'X-Auth-Token': 'not-a-token' }] as Record<string, string>[]) {
    const r = await anon.get('/v2/images', headers);
    assert.equal(r.status, 401);
    assert.equal(r.headers.get('www-authenticate'), `Keystone uri="${server.url}/v3"`);
    assert.deepEqual(r.json, { error: { code: 401, title: 'Unauthorized', message: 'The request you have made requires authentication.' } });
    assert.equal(r.headers.get('x-openstack-request-id'), null, 'rejected before a request context exists, as in Glance');
  }
  const post = await anon.post('/v2/images', { name: 'anon' }, { 'X-Auth-Token': 'bogus' });
  assert.equal(post.status, 401);
  const [{ n }] = await server.query<{ n: number }>("SELECT COUNT(*) AS n FROM images WHERE name = 'anon'");
  assert.equal(n, 0);
  // Version discovery needs no token, as in Glance.
  assert.equal((await anon.get('/versions')).status, 200);
});

test('the token decides owner; each project sees its own, public and community-by-request images only', async () => {
  const own = await alice.create({ name: 'a-shared' });
  assert.equal(own.owner, projectA);
  const priv = await alice.create({ name: 'a-private', visibility: 'private' });
  const community = await alice.create({ name: 'a-community', visibility: 'community' });
  const pub = await admin.create({ name: 'admin-public', visibility: 'public' });
  const bList = await bob.get('/v2/images');
  assert.equal(bList.status, 200);
  assert.deepEqual(ids(bList), [pub.id]);
  assert.deepEqual(ids(await bob.get('/v2/images?visibility=community')), [community.id]);
  const aList = ids(await alice.get('/v2/images'));
  assert.deepEqual(aList, [own.id, priv.id, community.id, pub.id].sort());
  // Another project's private and (unshared) shared images are 404, not 403.
  for (const id of [priv.id, own.id]) {
    const r = await bob.get(`/v2/images/${id}`);
    assert.equal(r.status, 404);
    assert.match(r.text, /No image found with ID/);
  }
  assert.equal((await bob.get(`/v2/images/${community.id}`)).status, 200);
  // The admin sees everything.
  const all = ids(await admin.get('/v2/images'));
  for (const id of [own.id, priv.id, pub.id]) assert.ok(all.includes(id));
});

test('only admins publicize or set another owner; the owning member deactivates and reactivates; refusals change nothing', async () => {
  const img = await alice.createWithData(randomBytes(1024), { name: 'a-data', disk_format: 'raw', container_format: 'bare' });
  const pub = await alice.post('/v2/images', { name: 'x', visibility: 'public' });
  assert.equal(pub.status, 403);
  assert.match(pub.text, /publicize_image/);
  const patchPub = await alice.patch(`/v2/images/${img.id}`, [{ op: 'replace', path: '/visibility', value: 'public' }]);
  assert.equal(patchPub.status, 403);
  const patchOwner = await alice.patch(`/v2/images/${img.id}`, [{ op: 'replace', path: '/owner', value: projectB }]);
  assert.equal(patchOwner.status, 403);
  const createOwned = await alice.post('/v2/images', { name: 'for-b', owner: projectB });
  assert.equal(createOwned.status, 403);
  const deact = await bob.post(`/v2/images/${img.id}/actions/deactivate`, null);
  assert.equal(deact.status, 404, "another project's shared image is not even visible");
  const after = (await alice.get(`/v2/images/${img.id}`)).json;
  assert.equal(after.visibility, 'shared');
  assert.equal(after.owner, projectA);
  assert.equal(after.status, 'active');

  // The owning member may (Glance 25.1); then the owner cannot download a deactivated image, the admin can.
  assert.equal((await alice.post(`/v2/images/${img.id}/actions/deactivate`, null)).status, 204);
  assert.equal((await alice.get(`/v2/images/${img.id}/file`)).status, 403);
  assert.equal((await admin.get(`/v2/images/${img.id}/file`)).status, 200);
  assert.equal((await alice.get(`/v2/images/${img.id}`)).json.status, 'deactivated');
  assert.equal((await alice.post(`/v2/images/${img.id}/actions/reactivate`, null)).status, 204);
  assert.equal((await admin.post(`/v2/images/${img.id}/actions/deactivate`, null)).status, 204);
  assert.equal((await admin.post(`/v2/images/${img.id}/actions/reactivate`, null)).status, 204);
  assert.equal((await alice.get(`/v2/images/${img.id}/file`)).status, 200);
  const owned = await admin.patch(`/v2/images/${img.id}`, [{ op: 'replace', path: '/owner', value: projectB }]);
  assert.equal(owned.status, 200);
  assert.equal(owned.json.owner, projectB);
});

test('members: share, pending until accepted, member_status filter, member cannot modify', async () => {
  const img = await alice.createWithData(randomBytes(2048), { name: 'a-to-share', disk_format: 'raw', container_format: 'bare' });
  const add = await alice.post(`/v2/images/${img.id}/members`, { member: projectB });
  assert.equal(add.status, 200);
  assert.deepEqual(Object.keys(add.json), ['member_id', 'image_id', 'status', 'created_at', 'updated_at', 'schema']);
  assert.equal(add.json.status, 'pending');
  assert.equal(add.json.schema, '/v2/schemas/member');
  const dup = await alice.post(`/v2/images/${img.id}/members`, { member: projectB });
  assert.equal(dup.status, 409);
  assert.match(dup.text, new RegExp(`Member ${projectB} is duplicated for image ${img.id}`));
  assert.equal((await alice.post(`/v2/images/${img.id}/members`, { foo: 'bar' })).status, 400);

  // Pending: visible by id and with ?member_status=pending, not in the default list.
  assert.ok(!ids(await bob.get('/v2/images')).includes(img.id));
  // (as in Glance, the filter applies to shared-with-me images; own and public ones still list)
  assert.ok(ids(await bob.get('/v2/images?member_status=pending')).includes(img.id));
  assert.ok(!ids(await bob.get('/v2/images?member_status=accepted')).includes(img.id));
  assert.equal((await bob.get(`/v2/images/${img.id}`)).status, 200);

  // The owner cannot accept on the member's behalf.
  const ownerAccept = await alice.put(`/v2/images/${img.id}/members/${projectB}`, JSON.stringify({ status: 'accepted' }));
  assert.equal(ownerAccept.status, 403);
  assert.match(ownerAccept.text, /You are not authorized to complete modify_member action\./);
  const bogus = await bob.put(`/v2/images/${img.id}/members/${projectB}`, JSON.stringify({ status: 'bogus' }));
  assert.equal(bogus.status, 400);
  const accept = await bob.put(`/v2/images/${img.id}/members/${projectB}`, JSON.stringify({ status: 'accepted' }));
  assert.equal(accept.status, 200);
  assert.equal(accept.json.status, 'accepted');
  assert.ok(ids(await bob.get('/v2/images')).includes(img.id));
  assert.equal((await bob.get(`/v2/images/${img.id}/file`)).status, 200);

  // A member can read but not change or share the image.
  const patch = await bob.patch(`/v2/images/${img.id}`, [{ op: 'replace', path: '/name', value: 'stolen' }]);
  assert.equal(patch.status, 403);
  assert.match(patch.text, /You are not authorized to complete modify_image action\./);
  assert.equal((await bob.del(`/v2/images/${img.id}`)).status, 403);
  assert.equal((await bob.post(`/v2/images/${img.id}/members`, { member: 'tenant-z' })).status, 403);
  assert.equal((await bob.del(`/v2/images/${img.id}/members/${projectB}`)).status, 403);
  const list = await bob.get(`/v2/images/${img.id}/members`);
  assert.deepEqual(list.json.members.map((m: { member_id: string }) => m.member_id), [projectB]);
  assert.equal((await alice.get(`/v2/images/${img.id}`)).json.name, 'a-to-share');

  // Rejected: out of the default list again, still reachable by filter.
  assert.equal((await bob.put(`/v2/images/${img.id}/members/${projectB}`, JSON.stringify({ status: 'rejected' }))).status, 200);
  assert.ok(!ids(await bob.get('/v2/images')).includes(img.id));
  assert.ok(ids(await bob.get('/v2/images?member_status=rejected')).includes(img.id));

  // The owner removes the member: the image is 404 for it again.
  assert.equal((await alice.del(`/v2/images/${img.id}/members/${projectB}`)).status, 204);
  const gone = await alice.get(`/v2/images/${img.id}/members/${projectB}`);
  assert.equal(gone.status, 404);
  assert.match(gone.text, new RegExp(`${projectB} not found in the member list of the image ${img.id}`));
  assert.equal((await bob.get(`/v2/images/${img.id}`)).status, 404);
});

test('members only on shared images', async () => {
  const priv = await alice.create({ name: 'a-priv-members', visibility: 'private' });
  const r = await alice.post(`/v2/images/${priv.id}/members`, { member: projectB });
  assert.equal(r.status, 403);
  assert.match(r.text, new RegExp(`Not allowed to create members for image ${priv.id}\\.`));
  const [{ n }] = await server.query<{ n: number }>('SELECT COUNT(*) AS n FROM image_members WHERE image_id = ?', [priv.id]);
  assert.equal(n, 0);
});
