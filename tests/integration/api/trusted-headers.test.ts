// The trusted-headers flavor (reference trusted-headers/*): identity from
// X-Identity-Status/X-Project-Id/X-User-Id/X-Roles, owner = X-Project-Id,
// non-admin roles get Glance's 401/403/404 answers.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, removeDir, type TestServer } from '../../helpers/server';
import { client } from '../../helpers/http';
import { assertHtmlError, webobDetail, webobError, webobPage } from '../../helpers/glance';

let server: TestServer;
const identity = (project: string, roles = 'member,reader') => ({
  'X-Identity-Status': 'Confirmed', 'X-Project-Id': project, 'X-User-Id': `${project}-user`, 'X-Roles': roles,
});
let demo: ReturnType<typeof client>;
let alt: ReturnType<typeof client>;
let admin: ReturnType<typeof client>;

before(async () => {
  server = await startServer({ flavor: 'trusted-headers' });
  demo = client(server.url, identity('demo-project'));
  alt = client(server.url, identity('alt-project'));
  admin = client(server.url, identity('admin-project', 'admin,member'));
});

after(async () => {
  await server?.stop();
  if (server) removeDir(server.dir);
});

const UNAUTHORIZED = webobError('401 Unauthorized',
  'This server could not verify that you are authorized to access the document you requested. Either you supplied the wrong credentials (e.g., bad password), or your browser does not understand how to supply the credentials required.');

test('no X-Identity-Status: Confirmed → 401, without a request id', async () => {
  const anonymous = client(server.url);
  for (const r of [
    await anonymous.get('/v2/images'),
    await anonymous.post('/v2/images', { name: 'auth-probe' }),
    await client(server.url, { 'X-Project-Id': 'demo-project', 'X-Roles': 'admin' }).get('/v2/images'),
  ]) {
    assert.equal(r.status, 401);
    assert.equal(r.text, UNAUTHORIZED);
    assert.equal(Buffer.byteLength(r.text), 358);
    assert.equal(r.headers.get('x-openstack-request-id'), null);
  }
  const [{ n }] = await server.query<{ n: number }>('SELECT COUNT(*) AS n FROM images');
  assert.equal(n, 0);
});

test('the owner is X-Project-Id; without a project or a role nothing is created', async () => {
  const r = await demo.post('/v2/images', { name: 'cirros-anchor', visibility: 'private' });
  assert.equal(r.status, 201);
  assert.equal(r.json.owner, 'demo-project');
  // Glance's secure-RBAC add_image needs the member role on the owning project.
  const notAuthorized = webobError('403 Forbidden', 'You are not authorized to complete add_image action.');
  assertHtmlError(await client(server.url, { 'X-Identity-Status': 'Confirmed' }).post('/v2/images', { name: 'auth-probe' }), 403, notAuthorized);
  assertHtmlError(await client(server.url, identity('demo-project', 'reader')).post('/v2/images', { name: 'auth-probe' }), 403, notAuthorized);
  // No project is no owning project: fail closed (where oslo.policy would compare 'None' with 'None').
  const noProject = client(server.url, { 'X-Identity-Status': 'Confirmed', 'X-Roles': 'member,reader' });
  assertHtmlError(await noProject.post('/v2/images', { name: 'auth-probe' }), 403, notAuthorized);
  const [{ n }] = await server.query<{ n: number }>("SELECT COUNT(*) AS n FROM images WHERE name = 'auth-probe'");
  assert.equal(n, 0);
  const [event] = await server.query('SELECT user_id, project_id FROM image_events WHERE image_id = ?', [r.json.id]);
  assert.deepEqual(event, { user_id: 'demo-project-user', project_id: 'demo-project' });
});

test('non-admins: publicize → 403, foreign owner → 403; community is allowed; admins may do both', async () => {
  assertHtmlError(await demo.post('/v2/images', { name: 'public-img', visibility: 'public' }), 403,
    webobError('403 Forbidden', 'You are not authorized to complete publicize_image action.'), 180);
  assertHtmlError(await demo.post('/v2/images', { owner: 'alt-project' }), 403,
    webobDetail('403 Forbidden', 'Access was denied to this resource.', 'You are not permitted to create images owned by &#x27;alt-project&#x27;'));
  assertHtmlError(await demo.post('/v2/images', { owner: null }), 403,
    webobDetail('403 Forbidden', 'Access was denied to this resource.', 'You are not permitted to create images owned by &#x27;None&#x27;'));
  assert.equal((await demo.post('/v2/images', { visibility: 'community' })).status, 201);
  const pub = await admin.post('/v2/images', { visibility: 'public', owner: 'demo-project' });
  assert.equal(pub.status, 201);
  assert.equal(pub.json.owner, 'demo-project');

  const own = await demo.create({ name: 'mine', visibility: 'private' });
  assertHtmlError(await demo.patch(`/v2/images/${own.id}`, [{ op: 'replace', path: '/visibility', value: 'public' }]), 403,
    webobError('403 Forbidden', 'You are not authorized to complete publicize_image action.'));
  assertHtmlError(await demo.patch(`/v2/images/${own.id}`, [{ op: 'replace', path: '/owner', value: 'alt-project' }]), 403,
    webobDetail('403 Forbidden', 'Access was denied to this resource.', 'Owner can&#x27;t be updated by non admin.'));
  const shared = await demo.patch(`/v2/images/${own.id}`, [{ op: 'replace', path: '/visibility', value: 'shared' }]);
  assert.equal(shared.json.visibility, 'shared');
});

test('another project: private images are 404, public ones are read-only (403)', async () => {
  const priv = await demo.create({ name: 'private', visibility: 'private' });
  assertHtmlError(await alt.get(`/v2/images/${priv.id}`), 404, webobError('404 Not Found', `No image found with ID ${priv.id}`));
  assertHtmlError(await alt.del(`/v2/images/${priv.id}`), 404, webobError('404 Not Found', `Failed to find image ${priv.id} to delete`));
  assertHtmlError(await alt.put(`/v2/images/${priv.id}/tags/x`), 404, webobError('404 Not Found', `Image ${priv.id} not found.`));

  const pub = (await admin.post('/v2/images', { name: 'pub', visibility: 'public', owner: 'demo-project' })).json;
  assert.equal((await alt.get(`/v2/images/${pub.id}`)).status, 200);
  const refused = (rule: string) => webobError('403 Forbidden', `You are not authorized to complete ${rule} action.`);
  assertHtmlError(await alt.patch(`/v2/images/${pub.id}`, [{ op: 'replace', path: '/name', value: 'x' }]), 403, refused('modify_image'));
  assertHtmlError(await alt.del(`/v2/images/${pub.id}`), 403, refused('delete_image'));
  assertHtmlError(await alt.post(`/v2/images/${pub.id}/actions/deactivate`), 403, refused('deactivate'));
  assertHtmlError(await alt.put(`/v2/images/${pub.id}/tags/x`), 403, refused('modify_image'));
  assertHtmlError(await alt.del(`/v2/images/${pub.id}/tags/x`), 403, refused('modify_image'));
  const [row] = await server.query('SELECT name, status, deleted FROM images WHERE id = ?', [pub.id]);
  assert.deepEqual(row, { name: 'pub', status: 'queued', deleted: 0 });
});

test('the owning member project may deactivate, reactivate, tag, patch and delete (Glance 25.1 defaults)', async () => {
  const img = await demo.createWithData(new Uint8Array(512).fill(9), { name: 'owned', disk_format: 'raw', container_format: 'bare' });
  const reader = client(server.url, identity('demo-project', 'reader'));
  assertHtmlError(await reader.post(`/v2/images/${img.id}/actions/deactivate`), 403, webobError('403 Forbidden', 'You are not authorized to complete deactivate action.'));
  assert.equal((await demo.get(`/v2/images/${img.id}`)).json.status, 'active');
  assert.equal((await demo.post(`/v2/images/${img.id}/actions/deactivate`)).status, 204);
  assertHtmlError(await demo.get(`/v2/images/${img.id}/file`), 403, webobError('403 Forbidden', 'The requested image has been deactivated. Image data download is forbidden.'));
  assertHtmlError(await reader.post(`/v2/images/${img.id}/actions/reactivate`), 403, webobError('403 Forbidden', 'You are not authorized to complete reactivate action.'));
  assert.equal((await demo.post(`/v2/images/${img.id}/actions/reactivate`)).status, 204);
  assert.equal((await demo.put(`/v2/images/${img.id}/tags/mine`)).status, 204);
  assert.equal((await demo.patch(`/v2/images/${img.id}`, [{ op: 'add', path: '/foo', value: 'bar' }])).status, 200);
  assert.equal((await demo.del(`/v2/images/${img.id}`)).status, 204);
  const events = await server.query('SELECT action, project_id FROM image_events WHERE image_id = ? ORDER BY id', [img.id]);
  assert.deepEqual(events.map((e) => e.action), ['created', 'upload_started', 'upload_finished', 'deactivated', 'reactivated', 'updated', 'updated', 'deleted']);
  assert.deepEqual(events.map((e) => e.project_id), ['demo-project', 'demo-project', 'demo-project', 'demo-project', 'demo-project', 'demo-project', 'demo-project', 'demo-project']);
});

test('405 and 415 look the same in this flavor', async () => {
  const img = await demo.create({ name: 'x' });
  const r = await demo.call('PUT', `/v2/images/${img.id}`, { body: '{}', headers: { 'Content-Type': 'application/json' } });
  assertHtmlError(r, 405, webobPage('405 Method Not Allowed', 'The method PUT is not allowed for this resource. <br /><br />\n'), 187);
  const j = await demo.call('PATCH', `/v2/images/${img.id}`, { body: '[]', headers: { 'Content-Type': 'application/json' } });
  assert.equal(j.status, 415);
});
