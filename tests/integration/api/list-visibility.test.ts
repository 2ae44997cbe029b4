// Who sees what in GET /v2/images (trusted-headers, several projects), per
// glance/db/sqlalchemy/api.py: own images, public, community only when asked
// (or own), shared images of others only as a member with the asked
// member_status (accepted by default); admins see all but others' community.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, removeDir, type TestServer } from '../../helpers/server';
import { client } from '../../helpers/http';

let server: TestServer;
let demo: ReturnType<typeof client>;
let alt: ReturnType<typeof client>;
let admin: ReturnType<typeof client>;
let nobody: ReturnType<typeof client>;
const ids: Record<string, string> = {};

function headers(project: string | null, roles = 'member,reader'): Record<string, string> {
  return { 'X-Identity-Status': 'Confirmed', 'X-User-Id': `${project ?? 'anon'}-user`, 'X-Roles': roles, ...(project ? { 'X-Project-Id': project } : {}) };
}

async function member(image: string, project: string, status: string, deleted = false) {
  await server.query(
    'INSERT INTO image_members (image_id, member, can_share, created_at, updated_at, deleted_at, deleted, status) VALUES (?, ?, 0, NOW(), NOW(), ?, ?, ?)',
    [ids[image], project, deleted ? new Date() : null, deleted, status],
  );
}

before(async () => {
  server = await startServer({ flavor: 'trusted-headers' });
  demo = client(server.url, headers('demo'));
  alt = client(server.url, headers('alt'));
  admin = client(server.url, headers('admin-project', 'admin,member'));
  nobody = client(server.url, headers(null));
  const make = async (c: ReturnType<typeof client>, name: string, body: object = {}) => (ids[name] = (await c.create({ name, ...body })).id);
  await make(demo, 'demo-private', { visibility: 'private' });
  await make(demo, 'demo-community', { visibility: 'community' });
  for (const s of ['pending', 'accepted', 'rejected', 'left']) await make(demo, `demo-shared-${s}`, { visibility: 'shared' });
  await make(demo, 'demo-shared-other', { visibility: 'shared' });
  await make(demo, 'demo-hidden', { visibility: 'private', os_hidden: true });
  await make(alt, 'alt-private', { visibility: 'private' });
  await make(alt, 'alt-shared', { visibility: 'shared' });
  await make(alt, 'alt-community', { visibility: 'community' });
  await make(admin, 'admin-public', { visibility: 'public' });
  await make(admin, 'admin-community', { visibility: 'community' });
  await make(admin, 'admin-private', { visibility: 'private' });
  // Member rows as the members API (another module) will write them.
  await member('demo-shared-pending', 'alt', 'pending');
  await member('demo-shared-accepted', 'alt', 'accepted');
  await member('demo-shared-rejected', 'alt', 'rejected');
  await member('demo-shared-left', 'alt', 'accepted', true);
  await member('demo-shared-other', 'third', 'accepted');
  // An accepted membership of a now private image grants nothing.
  await member('demo-private', 'alt', 'accepted');
});

after(async () => {
  await server?.stop();
  if (server) removeDir(server.dir);
});

async function names(c: ReturnType<typeof client>, query = ''): Promise<string[]> {
  const r = await c.get(`/v2/images${query ? `?${query}` : ''}`);
  assert.equal(r.status, 200, r.text);
  return (r.json.images as { name: string }[]).map((i) => i.name).sort();
}

test('a member project: own images, public, and shared images it accepted', async () => {
  assert.deepEqual(await names(alt), ['admin-public', 'alt-community', 'alt-private', 'alt-shared', 'demo-shared-accepted']);
});

test('member_status picks the shared images of others; all = any live membership', async () => {
  assert.deepEqual(await names(alt, 'member_status=pending'), ['admin-public', 'alt-community', 'alt-private', 'alt-shared', 'demo-shared-pending']);
  assert.deepEqual(await names(alt, 'member_status=rejected'), ['admin-public', 'alt-community', 'alt-private', 'alt-shared', 'demo-shared-rejected']);
  assert.deepEqual(await names(alt, 'member_status=all&visibility=shared'), ['alt-shared', 'demo-shared-accepted', 'demo-shared-pending', 'demo-shared-rejected']);
});

test('visibility narrows: community lists everyone’s, all adds others’ community, private/public/shared', async () => {
  assert.deepEqual(await names(alt, 'visibility=community'), ['admin-community', 'alt-community', 'demo-community']);
  assert.deepEqual(await names(alt, 'visibility=all'), ['admin-community', 'admin-public', 'alt-community', 'alt-private', 'alt-shared', 'demo-community', 'demo-shared-accepted']);
  assert.deepEqual(await names(alt, 'visibility=private'), ['alt-private']);
  assert.deepEqual(await names(alt, 'visibility=public'), ['admin-public']);
  assert.deepEqual(await names(alt, 'visibility=shared'), ['alt-shared', 'demo-shared-accepted']);
  assert.deepEqual(await names(alt, 'visibility=shared&member_status=pending'), ['alt-shared', 'demo-shared-pending']);
});

test('the owner sees all its own images (not hidden ones), whatever their members', async () => {
  assert.deepEqual(await names(demo), [
    'admin-public', 'demo-community', 'demo-private', 'demo-shared-accepted', 'demo-shared-left',
    'demo-shared-other', 'demo-shared-pending', 'demo-shared-rejected',
  ]);
  assert.deepEqual(await names(demo, 'os_hidden=true'), ['demo-hidden']);
  assert.deepEqual(await names(alt, 'os_hidden=true'), [], "others' hidden private images stay invisible");
});

test('admins list every image except other projects’ community images, unless asked', async () => {
  const everything = Object.keys(ids).filter((n) => n !== 'demo-hidden').sort();
  const defaults = await names(admin);
  assert.deepEqual(defaults, everything.filter((n) => n !== 'demo-community' && n !== 'alt-community'));
  assert.deepEqual(await names(admin, 'visibility=all'), everything);
  assert.deepEqual(await names(admin, 'member_status=pending'), defaults, 'member_status does not narrow an admin');
  assert.deepEqual(await names(admin, 'visibility=private'), ['admin-private', 'alt-private', 'demo-private']);
  assert.deepEqual(await names(admin, 'owner=alt'), ['alt-private', 'alt-shared']);
});

test('a context without a project sees public images, and community ones when asked', async () => {
  assert.deepEqual(await names(nobody), ['admin-public']);
  assert.deepEqual(await names(nobody, 'visibility=community'), ['admin-community', 'alt-community', 'demo-community']);
  assert.deepEqual(await names(nobody, 'visibility=shared&member_status=all'), []);
});

test('markers: an image the caller cannot see is 403, one it may see (even pending) pages', async () => {
  const hidden = await alt.get(`/v2/images?marker=${ids['demo-private']}`, { Accept: 'application/json' });
  assert.equal(hidden.status, 403);
  assert.equal(hidden.json.message, `Forbidding request, image ${ids['demo-private']} not visible<br /><br />\n\n\n`);
  const pending = await alt.get(`/v2/images?marker=${ids['demo-shared-pending']}&sort=name:asc`);
  assert.equal(pending.status, 200);
  assert.deepEqual(pending.json.images.map((i: { name: string }) => i.name), []);
  const accepted = await alt.get(`/v2/images?marker=${ids['alt-private']}&sort=name:asc`);
  assert.deepEqual(accepted.json.images.map((i: { name: string }) => i.name), ['alt-shared', 'demo-shared-accepted']);
});

test('no X-Identity-Status: 401 before any parameter is looked at', async () => {
  const r = await client(server.url).get('/v2/images?limit=abc');
  assert.equal(r.status, 401);
});
