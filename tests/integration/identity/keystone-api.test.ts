// The embedded identity service's /v3 API as Keystone answers it: discovery,
// password and token authentication, validation, revocation, expiry, the
// lockout after repeated wrong passwords, admin-only directory calls, and
// secrets stored only as hashes.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import { client } from '../../helpers/http';
import { getToken, makeProjectUser, passwordAuth, readOpenrc, startKeystoneServer, type KeystoneServer } from '../../helpers/identity';
import { removeDir } from '../../helpers/server';

let server: KeystoneServer;
let admin: { user: string; password: string; project: string };

before(async () => {
  server = await startKeystoneServer({ identity: 'lockout_failure_attempts = 3\nlockout_duration = 3600\ntoken_expiration = 7200' });
  const env = readOpenrc(server.openrc);
  admin = { user: env.OS_USERNAME, password: env.OS_PASSWORD, project: env.OS_PROJECT_NAME };
});

after(async () => {
  await server?.stop();
  if (server) removeDir(server.dir);
});

const KEYSTONE_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/;

test('the first start writes an admin-openrc (mode 0600) with every variable the CLI needs', () => {
  const env = readOpenrc(server.openrc);
  assert.equal(env.OS_AUTH_URL, `${server.url}/v3`);
  assert.equal(env.OS_USERNAME, 'admin');
  assert.equal(env.OS_PROJECT_NAME, 'admin');
  assert.equal(env.OS_USER_DOMAIN_NAME, 'Default');
  assert.equal(env.OS_PROJECT_DOMAIN_NAME, 'Default');
  assert.equal(env.OS_IDENTITY_API_VERSION, '3');
  assert.equal(env.OS_IMAGE_API_VERSION, '2');
  assert.ok(env.OS_PASSWORD.length >= 16, 'a generated password');
  assert.equal(statSync(server.openrc).mode & 0o777, 0o600);
});

test('GET /v3 is the version document whose self link clients post to', async () => {
  const r = await client(server.url).get('/v3');
  assert.equal(r.status, 200);
  assert.equal(r.json.version.id, 'v3.14');
  assert.equal(r.json.version.status, 'stable');
  assert.deepEqual(r.json.version.links, [{ rel: 'self', href: `${server.url}/v3/` }]);
  assert.equal(r.json.version['media-types'][0].type, 'application/vnd.openstack.identity-v3+json');
  // Behind a proxy the links follow the forwarded host.
  const proxied = await client(server.url).get('/v3', { 'X-Forwarded-Host': 'images.example.com', 'X-Forwarded-Proto': 'https' });
  assert.equal(proxied.json.version.links[0].href, 'https://images.example.com/v3/');
});

test('password auth by names gives 201, X-Subject-Token and a Keystone token body with the catalog', async () => {
  const r = await client(server.url).post('/v3/auth/tokens', passwordAuth(admin.user, admin.password, admin.project));
  assert.equal(r.status, 201);
  assert.match(r.headers.get('x-subject-token') ?? '', /^[A-Za-z0-9_-]{40,}$/);
  const t = r.json.token;
  assert.deepEqual(t.methods, ['password']);
  assert.match(t.expires_at, KEYSTONE_TIME);
  assert.match(t.issued_at, KEYSTONE_TIME);
  const lifetime = Date.parse(t.expires_at) - Date.parse(t.issued_at);
  assert.ok(Math.abs(lifetime - 7_200_000) < 2000, `[identity] token_expiration = 7200, got ${lifetime}`);
  assert.equal(t.user.name, 'admin');
  assert.match(t.user.id, /^[0-9a-f]{32}$/);
  assert.deepEqual(t.user.domain, { id: 'default', name: 'Default' });
  assert.equal(t.project.name, 'admin');
  assert.match(t.project.id, /^[0-9a-f]{32}$/);
  assert.deepEqual(t.project.domain, { id: 'default', name: 'Default' });
  assert.equal(t.is_domain, false);
  assert.ok(Array.isArray(t.audit_ids) && t.audit_ids.length === 1);
  assert.deepEqual(t.roles.map((x: { name: string }) => x.name).sort(), ['admin', 'member', 'reader'], 'implied roles included');
  const image = t.catalog.find((s: { type: string }) => s.type === 'image');
  const identity = t.catalog.find((s: { type: string }) => s.type === 'identity');
  for (const svc of [image, identity]) {
    assert.deepEqual(svc.endpoints.map((e: { interface: string }) => e.interface).sort(), ['admin', 'internal', 'public']);
    for (const e of svc.endpoints) {
      assert.equal(e.region, 'RegionOne');
      assert.equal(e.region_id, 'RegionOne');
    }
  }
  assert.equal(image.endpoints[0].url, server.url);
  assert.equal(identity.endpoints[0].url, `${server.url}/v3`);
});

test('ids work as well as names, and ?nocatalog leaves the catalog out', async () => {
  const first = await client(server.url).post('/v3/auth/tokens', passwordAuth(admin.user, admin.password, admin.project));
  const { user, project } = first.json.token;
  const r = await client(server.url).post('/v3/auth/tokens?nocatalog', {
    auth: {
      identity: { methods: ['password'], password: { user: { id: user.id, password: admin.password } } },
      scope: { project: { id: project.id } },
    },
  });
  assert.equal(r.status, 201);
  assert.equal(r.json.token.project.id, project.id);
  assert.equal(r.json.token.catalog, undefined);
  const byDomainId = await client(server.url).post('/v3/auth/tokens', {
    auth: {
      identity: { methods: ['password'], password: { user: { name: 'admin', domain: { id: 'default' }, password: admin.password } } },
      scope: { project: { name: 'admin', domain: { id: 'default' } } },
    },
  });
  assert.equal(byDomainId.status, 201);
});

test('unscoped tokens carry no project, roles or catalog; the token method rescopes them', async () => {
  const c = client(server.url);
  const unscoped = await c.post('/v3/auth/tokens', passwordAuth(admin.user, admin.password, null));
  assert.equal(unscoped.status, 201);
  assert.equal(unscoped.json.token.project, undefined);
  assert.equal(unscoped.json.token.catalog, undefined);
  const token = unscoped.headers.get('x-subject-token')!;
  const projects = await c.get('/v3/auth/projects', { 'X-Auth-Token': token });
  assert.equal(projects.status, 200);
  assert.deepEqual(projects.json.projects.map((p: { name: string }) => p.name), ['admin']);
  const scoped = await c.post('/v3/auth/tokens', {
    auth: { identity: { methods: ['token'], token: { id: token } }, scope: { project: { name: 'admin', domain: { name: 'Default' } } } },
  });
  assert.equal(scoped.status, 201);
  assert.equal(scoped.json.token.project.name, 'admin');
  assert.ok(scoped.json.token.methods.includes('token'));
  assert.equal(scoped.json.token.expires_at, unscoped.json.token.expires_at, 'a rescoped token keeps the original expiry');
  assert.deepEqual(scoped.json.token.audit_ids.slice(1), unscoped.json.token.audit_ids);
  // Revoking the original revokes what was obtained with it.
  const del = await c.del('/v3/auth/tokens', { 'X-Auth-Token': token, 'X-Subject-Token': token });
  assert.equal(del.status, 204);
  const after = await c.get('/v2/images', { 'X-Auth-Token': scoped.headers.get('x-subject-token')! });
  assert.equal(after.status, 401);
});

test('wrong password, unknown user, unknown project: 401 in Keystone format', async () => {
  const c = client(server.url);
  for (const body of [
    passwordAuth('admin', 'not-the-password', 'admin'),
    passwordAuth('nobody', 'x', 'admin'),
    passwordAuth(admin.user, admin.password, 'no-such-project'),
  ]) {
    const r = await c.post('/v3/auth/tokens', body);
    assert.equal(r.status, 401, r.text);
    assert.equal(r.headers.get('x-subject-token'), null);
    assert.equal(r.json.error.code, 401);
    assert.equal(r.json.error.title, 'Unauthorized');
    assert.equal(typeof r.json.error.message, 'string');
  }
  // That one wrong password was forgotten by the successful logins that followed.
  assert.equal(await getToken(server.url, admin.user, admin.password, admin.project).then(Boolean), true);
});

test('repeated wrong passwords lock the user out, even with the right password', async () => {
  const c = client(server.url);
  const adminToken = await getToken(server.url, admin.user, admin.password, admin.project);
  await makeProjectUser(server.url, adminToken, 'lock-proj', 'lock-user', 'right-password');
  assert.equal((await c.post('/v3/auth/tokens', passwordAuth('lock-user', 'right-password', 'lock-proj'))).status, 201);
  for (let i = 0; i < 3; i++) {
    assert.equal((await c.post('/v3/auth/tokens', passwordAuth('lock-user', `wrong-${i}`, 'lock-proj'))).status, 401);
  }
  const locked = await c.post('/v3/auth/tokens', passwordAuth('lock-user', 'right-password', 'lock-proj'));
  assert.equal(locked.status, 401);
  // Keystone's generic answer: a locked user is not told apart from a wrong password.
  assert.equal(locked.json.error.message, 'The request you have made requires authentication.');
  const [row] = await server.query<{ failed_auth_count: number }>("SELECT failed_auth_count FROM identity_users WHERE name = 'lock-user'");
  assert.equal(row.failed_auth_count, 3);
  // An admin resetting the password unlocks the account.
  const users = await c.get('/v3/users?name=lock-user', { 'X-Auth-Token': adminToken });
  const reset = await c.call('PATCH', `/v3/users/${users.json.users[0].id}`, { body: { user: { password: 'new-password' } }, headers: { 'X-Auth-Token': adminToken } });
  assert.equal(reset.status, 200);
  assert.equal((await c.post('/v3/auth/tokens', passwordAuth('lock-user', 'new-password', 'lock-proj'))).status, 201);
});

test('GET/HEAD validate a token; DELETE revokes it and /v2 then answers 401', async () => {
  const c = client(server.url);
  const adminToken = await getToken(server.url, admin.user, admin.password, admin.project);
  const subject = await getToken(server.url, admin.user, admin.password, admin.project);
  const got = await c.get('/v3/auth/tokens', { 'X-Auth-Token': adminToken, 'X-Subject-Token': subject });
  assert.equal(got.status, 200);
  assert.equal(got.headers.get('x-subject-token'), subject);
  assert.equal(got.json.token.project.name, 'admin');
  const head = await c.call('HEAD', '/v3/auth/tokens', { headers: { 'X-Auth-Token': adminToken, 'X-Subject-Token': subject } });
  assert.equal(head.status, 200);
  assert.equal((await c.get('/v2/images', { 'X-Auth-Token': subject })).status, 200);
  const del = await c.del('/v3/auth/tokens', { 'X-Auth-Token': adminToken, 'X-Subject-Token': subject });
  assert.equal(del.status, 204);
  const again = await c.get('/v3/auth/tokens', { 'X-Auth-Token': adminToken, 'X-Subject-Token': subject });
  assert.equal(again.status, 404);
  assert.equal(again.json.error.code, 404);
  const v2 = await c.get('/v2/images', { 'X-Auth-Token': subject });
  assert.equal(v2.status, 401);
  assert.equal((await c.post('/v2/images', { name: 'with-revoked-token' }, { 'X-Auth-Token': subject })).status, 401);
  assert.deepEqual(await server.query("SELECT id FROM images WHERE name = 'with-revoked-token'"), []);
  assert.equal(v2.headers.get('www-authenticate'), `Keystone uri="${server.url}/v3"`);
  // Validation needs a valid caller token.
  assert.equal((await c.get('/v3/auth/tokens', { 'X-Subject-Token': adminToken })).status, 401);
});

test('an expired token is refused by /v2 and by validation', async () => {
  const c = client(server.url);
  const token = await getToken(server.url, admin.user, admin.password, admin.project);
  assert.equal((await c.get('/v2/images', { 'X-Auth-Token': token })).status, 200);
  const hash = createHash('sha256').update(token).digest('hex');
  await server.query('UPDATE identity_tokens SET expires_at = NOW(3) - INTERVAL 1 SECOND WHERE token_hash = ?', [hash]);
  assert.equal((await c.get('/v2/images', { 'X-Auth-Token': token })).status, 401);
  const write = await c.post('/v2/images', { name: 'with-expired-token' }, { 'X-Auth-Token': token });
  assert.equal(write.status, 401);
  assert.deepEqual(await server.query("SELECT id FROM images WHERE name = 'with-expired-token'"), []);
  const other = await getToken(server.url, admin.user, admin.password, admin.project);
  assert.equal((await c.get('/v3/auth/tokens', { 'X-Auth-Token': other, 'X-Subject-Token': token })).status, 404);
});

test('tokens and passwords are stored only as hashes', async () => {
  const token = await getToken(server.url, admin.user, admin.password, admin.project);
  const rows = await server.query<{ token_hash: string }>('SELECT token_hash FROM identity_tokens');
  assert.ok(rows.some((r) => r.token_hash === createHash('sha256').update(token).digest('hex')));
  assert.ok(rows.every((r) => r.token_hash !== token));
  const [u] = await server.query<{ password_hash: string }>("SELECT password_hash FROM identity_users WHERE name = 'admin'");
  assert.match(u.password_hash, /^scrypt\$\d+\$\d+\$\d+\$/);
  assert.ok(!u.password_hash.includes(admin.password));
});

test('directory calls are admin-only; a member gets 403 and nothing changes', async () => {
  const c = client(server.url);
  const adminToken = await getToken(server.url, admin.user, admin.password, admin.project);
  const { projectId, userId } = await makeProjectUser(server.url, adminToken, 'plain-proj', 'plain-user', 'pw');
  const memberToken = await getToken(server.url, 'plain-user', 'pw', 'plain-proj');
  const h = { 'X-Auth-Token': memberToken };
  const create = await c.post('/v3/projects', { project: { name: 'sneaky' } }, h);
  assert.equal(create.status, 403);
  assert.equal(create.json.error.title, 'Forbidden');
  assert.equal((await c.get('/v3/projects', h)).status, 403);
  assert.equal((await c.del(`/v3/users/${userId}`, h)).status, 403);
  const roles = await c.get('/v3/roles?name=admin', { 'X-Auth-Token': adminToken });
  const grant = await c.put(`/v3/projects/${projectId}/users/${userId}/roles/${roles.json.roles[0].id}`, null, h);
  assert.equal(grant.status, 403);
  const names = await server.query<{ name: string }>('SELECT name FROM identity_projects ORDER BY name');
  assert.ok(!names.some((n) => n.name === 'sneaky'));
  // A member may read its own project and user (the CLI's look-ups).
  assert.equal((await c.get(`/v3/projects/${projectId}`, h)).status, 200);
  assert.equal((await c.get(`/v3/users/${userId}`, h)).status, 200);
  // No token at all: 401.
  assert.equal((await c.get('/v3/projects')).status, 401);
});

test('projects and users: create, look up by name, duplicate 409, role assignments, delete', async () => {
  const c = client(server.url);
  const adminToken = await getToken(server.url, admin.user, admin.password, admin.project);
  const h = { 'X-Auth-Token': adminToken };
  const p = await c.post('/v3/projects', { project: { name: 'crud-proj', description: 'd' } }, h);
  assert.equal(p.status, 201);
  assert.equal(p.json.project.domain_id, 'default');
  assert.equal((await c.post('/v3/projects', { project: { name: 'crud-proj' } }, h)).status, 409);
  const byName = await c.get('/v3/projects?name=crud-proj', h);
  assert.deepEqual(byName.json.projects.map((x: { id: string }) => x.id), [p.json.project.id]);
  assert.equal((await c.get('/v3/projects/crud-proj', h)).status, 404);
  const u = await c.post('/v3/users', { user: { name: 'crud-user', password: 'pw', default_project_id: p.json.project.id } }, h);
  assert.equal(u.status, 201);
  assert.equal(u.json.user.password, undefined);
  const member = (await c.get('/v3/roles?name=member', h)).json.roles[0];
  assert.equal((await c.put(`/v3/projects/${p.json.project.id}/users/${u.json.user.id}/roles/${member.id}`, null, h)).status, 204);
  const list = await c.get(`/v3/role_assignments?scope.project.id=${p.json.project.id}&include_names`, h);
  assert.equal(list.status, 200);
  assert.deepEqual(list.json.role_assignments.map((a: { role: { name: string }; user: { name: string } }) => [a.role.name, a.user.name]), [['member', 'crud-user']]);
  // The user's default project gives a project token without a scope.
  const noScope = await c.post('/v3/auth/tokens', passwordAuth('crud-user', 'pw'));
  assert.equal(noScope.json.token.project.name, 'crud-proj');
  const userToken = noScope.headers.get('x-subject-token')!;
  assert.equal((await c.del(`/v3/projects/${p.json.project.id}`, h)).status, 204);
  assert.equal((await c.get(`/v3/projects/${p.json.project.id}`, h)).status, 404);
  assert.equal((await c.get('/v2/images', { 'X-Auth-Token': userToken })).status, 401, 'tokens of a deleted project are void');
  assert.equal((await c.del(`/v3/users/${u.json.user.id}`, h)).status, 204);
  assert.equal((await c.post('/v3/auth/tokens', passwordAuth('crud-user', 'pw'))).status, 401);
});
