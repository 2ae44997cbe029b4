// Glance's unified limits ([DEFAULT] use_keystone_limits = true): per-project
// limits kept by the embedded identity service (Keystone's /v3/registered_limits
// and /v3/limits), enforced where Glance's glance/quota/keystone.py enforces
// them, with oslo.limit's ProjectOverLimit text in Glance's 413, and
// GET /v2/info/usage reporting them for the caller's project.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { call, client } from '../../helpers/http';
import { getToken, makeProjectUser, readOpenrc, startKeystoneServer, type KeystoneServer } from '../../helpers/identity';
import { removeDir } from '../../helpers/server';
import { webobError } from '../../helpers/glance';
import { parseFields, parseRows, runCli } from '../../helpers/openstack-cli';

let server: KeystoneServer;
let adminToken: string;
let imageService: string;
let alpha: { projectId: string; userId: string };
let beta: { projectId: string; userId: string };
let alphaToken: string;
let alphaApi: ReturnType<typeof client>;
let betaApi: ReturnType<typeof client>;
const MiB = 1024 * 1024;
const OCTETS = { 'Content-Type': 'application/octet-stream' };

before(async () => {
  server = await startKeystoneServer({ extraConfig: '[DEFAULT]\nuse_keystone_limits = true' });
  const env = readOpenrc(server.openrc);
  adminToken = await getToken(server.url, env.OS_USERNAME, env.OS_PASSWORD, env.OS_PROJECT_NAME);
  alpha = await makeProjectUser(server.url, adminToken, 'alpha', 'alice', 'alice-password-1');
  beta = await makeProjectUser(server.url, adminToken, 'beta', 'bob', 'bob-password-1');
  alphaToken = await getToken(server.url, 'alice', 'alice-password-1', 'alpha');
  alphaApi = client(server.url, { 'X-Auth-Token': alphaToken });
  betaApi = client(server.url, { 'X-Auth-Token': await getToken(server.url, 'bob', 'bob-password-1', 'beta') });
  imageService = (await admin('GET', '/v3/services?type=image')).json.services[0].id;
});

after(async () => {
  await server?.stop();
  if (server) removeDir(server.dir);
});

const admin = (method: string, path: string, body?: object) => call(server.url, method, path, { headers: { 'X-Auth-Token': adminToken }, body });

const TOO_LARGE = '413 Request Entity Too Large';
/** Glance's LimitExceeded(body=str(ProjectOverLimit)) in webob's page. */
const overLimit = (project: string, resource: string, limit: number, usage: number, delta: number) =>
  webobError(
    TOO_LARGE,
    'The request returned a 413 Request Entity Too Large. This generally means that rate limiting or a quota threshold was breached.' +
      `\n\nThe response body:\nProject ${project} is over a limit for [Resource ${resource} is over limit of ${limit} due to current usage ${usage} and delta ${delta}]`,
  );

async function usage(api: ReturnType<typeof client>) {
  const r = await api.get('/v2/info/usage');
  assert.equal(r.status, 200, r.text);
  return r.json.usage as Record<string, { usage: number; limit: number }>;
}

test('without registered limits every limit is 0 (oslo.limit), so creating an image is refused', async () => {
  assert.deepEqual(await usage(alphaApi), {
    image_size_total: { usage: 0, limit: 0 },
    image_stage_total: { usage: 0, limit: 0 },
    image_count_total: { usage: 0, limit: 0 },
    image_count_uploading: { usage: 0, limit: 0 },
  });
  const r = await alphaApi.post('/v2/images', { name: 'nope' });
  assert.equal(r.status, 413);
  assert.equal(r.text, overLimit(alpha.projectId, 'image_count_total', 0, 0, 1));
});

test('registered limits and project limits: admin CRUD as Keystone; members cannot set them; projects see only their own', async () => {
  const created = await admin('POST', '/v3/registered_limits', {
    registered_limits: [
      { service_id: imageService, region_id: 'RegionOne', resource_name: 'image_size_total', default_limit: 100 },
      { service_id: imageService, region_id: 'RegionOne', resource_name: 'image_stage_total', default_limit: 100 },
      { service_id: imageService, region_id: 'RegionOne', resource_name: 'image_count_total', default_limit: 100, description: 'images per project' },
      { service_id: imageService, region_id: 'RegionOne', resource_name: 'image_count_uploading', default_limit: 10 },
    ],
  });
  assert.equal(created.status, 201, created.text);
  assert.equal(created.json.registered_limits.length, 4);
  const reg = created.json.registered_limits[2];
  assert.deepEqual(Object.keys(reg).sort(), ['default_limit', 'description', 'id', 'links', 'region_id', 'resource_name', 'service_id']);
  assert.equal(reg.description, 'images per project');
  assert.equal(reg.links.self, `${server.url}/v3/registered_limits/${reg.id}`);

  const dup = await admin('POST', '/v3/registered_limits', {
    registered_limits: [{ service_id: imageService, region_id: 'RegionOne', resource_name: 'image_count_total', default_limit: 1 }],
  });
  assert.equal(dup.status, 409);
  assert.equal(dup.json.error.message, 'Conflict occurred attempting to store registered_limit - Duplicate entry.');
  const badService = await admin('POST', '/v3/registered_limits', { registered_limits: [{ service_id: 'nope', resource_name: 'x', default_limit: 1 }] });
  assert.equal(badService.status, 400);
  assert.match(badService.json.error.message, /^Expecting to find service_id in registered_limit\./);

  // Members of a project may read registered limits but not change them.
  const memberHeaders = { 'X-Auth-Token': alphaToken };
  const readable = await call(server.url, 'GET', `/v3/registered_limits?resource_name=image_count_total`, { headers: memberHeaders });
  assert.equal(readable.status, 200);
  assert.deepEqual(readable.json.registered_limits.map((r: { id: string }) => r.id), [reg.id]);
  const denied = await call(server.url, 'POST', '/v3/registered_limits', {
    headers: memberHeaders,
    body: { registered_limits: [{ service_id: imageService, resource_name: 'other', default_limit: 1 }] },
  });
  assert.equal(denied.status, 403);
  assert.equal(denied.json.error.message, 'You are not authorized to perform the requested action: identity:create_registered_limits.');
  const deniedLimit = await call(server.url, 'POST', '/v3/limits', {
    headers: memberHeaders,
    body: { limits: [{ service_id: imageService, region_id: 'RegionOne', project_id: alpha.projectId, resource_name: 'image_count_total', resource_limit: 1000 }] },
  });
  assert.equal(deniedLimit.status, 403);
  assert.equal(deniedLimit.json.error.message, 'You are not authorized to perform the requested action: identity:create_limits.');

  const limits = await admin('POST', '/v3/limits', {
    limits: [
      { service_id: imageService, region_id: 'RegionOne', project_id: alpha.projectId, resource_name: 'image_count_total', resource_limit: 2 },
      { service_id: imageService, region_id: 'RegionOne', project_id: alpha.projectId, resource_name: 'image_size_total', resource_limit: 2 },
      { service_id: imageService, region_id: 'RegionOne', project_id: alpha.projectId, resource_name: 'image_stage_total', resource_limit: 1 },
      { service_id: imageService, region_id: 'RegionOne', project_id: alpha.projectId, resource_name: 'image_count_uploading', resource_limit: 1 },
      { service_id: imageService, region_id: 'RegionOne', project_id: beta.projectId, resource_name: 'image_count_total', resource_limit: 7 },
    ],
  });
  assert.equal(limits.status, 201, limits.text);
  const betaLimit = limits.json.limits[4];
  assert.deepEqual(
    { ...betaLimit, id: undefined, links: undefined },
    { id: undefined, links: undefined, project_id: beta.projectId, domain_id: null, service_id: imageService, region_id: 'RegionOne', resource_name: 'image_count_total', resource_limit: 7, description: null },
  );
  const noReference = await admin('POST', '/v3/limits', {
    limits: [{ service_id: imageService, region_id: 'RegionOne', project_id: alpha.projectId, resource_name: 'unregistered', resource_limit: 1 }],
  });
  assert.equal(noReference.status, 403);
  assert.equal(noReference.json.error.message, 'Unable to create a limit that has no corresponding registered limit.');
  const referenced = await admin('DELETE', `/v3/registered_limits/${reg.id}`);
  assert.equal(referenced.status, 403);
  assert.equal(referenced.json.error.message, `Unable to update or delete registered limit ${reg.id} because there are project limits associated with it.`);

  // Each project sees only its own limits; another project's limit is 403, as Keystone.
  const mine = await call(server.url, 'GET', '/v3/limits', { headers: memberHeaders });
  assert.equal(mine.status, 200);
  assert.equal(mine.json.limits.length, 4);
  assert.ok(mine.json.limits.every((l: { project_id: string }) => l.project_id === alpha.projectId));
  const theirs = await call(server.url, 'GET', `/v3/limits/${betaLimit.id}`, { headers: memberHeaders });
  assert.equal(theirs.status, 403);
  const all = await admin('GET', '/v3/limits');
  assert.equal(all.json.limits.length, 5);
  const patched = await admin('PATCH', `/v3/limits/${betaLimit.id}`, { limit: { resource_limit: 8, description: 'more' } });
  assert.equal(patched.status, 200, patched.text);
  assert.equal(patched.json.limit.resource_limit, 8);
  assert.equal((await admin('GET', `/v3/limits/${betaLimit.id}`)).json.limit.description, 'more');
});

test('image_count_total: the project limit applies on create (Glance: enforce_image_count_total, delta 1)', async () => {
  const one = await alphaApi.post('/v2/images', { name: 'one', disk_format: 'raw', container_format: 'bare' });
  assert.equal(one.status, 201, one.text);
  const two = await alphaApi.post('/v2/images', { name: 'two', disk_format: 'raw', container_format: 'bare' });
  assert.equal(two.status, 201, two.text);
  const three = await alphaApi.post('/v2/images', { name: 'three' });
  assert.equal(three.status, 413);
  assert.equal(three.text, overLimit(alpha.projectId, 'image_count_total', 2, 2, 1));
  // The other project has its own limit (8) and usage.
  assert.equal((await betaApi.post('/v2/images', { name: 'b' })).status, 201);
  const b = await usage(betaApi);
  assert.deepEqual(b.image_count_total, { usage: 1, limit: 8 });
  assert.deepEqual(b.image_size_total, { usage: 0, limit: 100 });
});

test('uploads and stages: image_size_total and image_stage_total in whole MiB, image_count_uploading, usage after each and after deletes', async () => {
  const [one, two] = (await alphaApi.get('/v2/images?sort=name:asc')).json.images as { id: string; name: string }[];
  assert.deepEqual([one.name, two.name], ['one', 'two']);

  const up = await alphaApi.put(`/v2/images/${one.id}/file`, new Uint8Array(1.5 * MiB).fill(3), OCTETS);
  assert.equal(up.status, 204, up.text);
  let u = await usage(alphaApi);
  assert.deepEqual(u.image_size_total, { usage: 1, limit: 2 }, 'bytes are counted in whole MiB, rounded down');
  assert.deepEqual(u.image_count_total, { usage: 2, limit: 2 });
  assert.deepEqual(u.image_count_uploading, { usage: 0, limit: 1 });

  // The Content-Length in MiB is the delta: 1 + 2 > 2.
  const over = await alphaApi.put(`/v2/images/${two.id}/file`, new Uint8Array(2 * MiB), OCTETS);
  assert.equal(over.status, 413);
  assert.equal(over.text, overLimit(alpha.projectId, 'image_size_total', 2, 1, 2));
  assert.equal((await alphaApi.get(`/v2/images/${two.id}`)).json.status, 'queued');

  // Staging: 2 MiB is over image_stage_total (1); 1.5 MiB is not, and then counts in stage usage and as uploading.
  const stageOver = await alphaApi.put(`/v2/images/${two.id}/stage`, new Uint8Array(2 * MiB), OCTETS);
  assert.equal(stageOver.status, 413);
  assert.equal(stageOver.text, overLimit(alpha.projectId, 'image_stage_total', 1, 0, 2));
  const staged = await alphaApi.put(`/v2/images/${two.id}/stage`, new Uint8Array(1.5 * MiB), OCTETS);
  assert.equal(staged.status, 204, staged.text);
  u = await usage(alphaApi);
  assert.deepEqual(u.image_stage_total, { usage: 1, limit: 1 });
  assert.deepEqual(u.image_count_uploading, { usage: 1, limit: 1 });

  // image_count_total is full (2): free a slot by deleting the active image, which also frees its MiB.
  assert.equal((await alphaApi.del(`/v2/images/${one.id}`)).status, 204);
  u = await usage(alphaApi);
  assert.deepEqual(u.image_size_total, { usage: 0, limit: 2 });
  assert.deepEqual(u.image_count_total, { usage: 1, limit: 2 });

  // A second upload while one image is uploading: image_count_uploading (delta 0, this image counted) is 2 > 1.
  const third = await alphaApi.post('/v2/images', { name: 'third', disk_format: 'raw', container_format: 'bare' });
  assert.equal(third.status, 201, third.text);
  const busy = await alphaApi.put(`/v2/images/${third.json.id}/file`, new Uint8Array(1024), OCTETS);
  assert.equal(busy.status, 413);
  assert.equal(busy.text, overLimit(alpha.projectId, 'image_count_uploading', 1, 2, 0));
  assert.equal((await alphaApi.get(`/v2/images/${third.json.id}`)).json.status, 'queued', 'back to queued');

  // Deleting the staged image frees both.
  assert.equal((await alphaApi.del(`/v2/images/${two.id}`)).status, 204);
  u = await usage(alphaApi);
  assert.deepEqual(u.image_stage_total, { usage: 0, limit: 1 });
  assert.deepEqual(u.image_count_uploading, { usage: 0, limit: 1 });
  const now = await alphaApi.put(`/v2/images/${third.json.id}/file`, new Uint8Array(1024), OCTETS);
  assert.equal(now.status, 204, now.text);
});

test('a limit of -1 is unlimited; deleting a project limit falls back to the registered default', async () => {
  const mine = (await admin('GET', `/v3/limits?project_id=${alpha.projectId}&resource_name=image_count_total`)).json.limits;
  assert.equal(mine.length, 1);
  assert.equal((await admin('PATCH', `/v3/limits/${mine[0].id}`, { limit: { resource_limit: -1 } })).status, 200);
  assert.deepEqual((await usage(alphaApi)).image_count_total, { usage: 1, limit: -1 });
  assert.equal((await alphaApi.post('/v2/images', { name: 'x' })).status, 201);
  assert.equal((await alphaApi.post('/v2/images', { name: 'y' })).status, 201);
  assert.equal((await admin('DELETE', `/v3/limits/${mine[0].id}`)).status, 204);
  assert.deepEqual((await usage(alphaApi)).image_count_total, { usage: 3, limit: 100 });
  assert.equal((await admin('GET', `/v3/limits/${mine[0].id}`)).status, 404);
});

test('the openstack CLI manages them: registered limit create/list, limit create/list/set/delete; usage follows', async () => {
  const env = readOpenrc(server.openrc);
  const openstack = async (args: string[]) => {
    const r = await runCli('openstack', args, env, server.dir);
    assert.equal(r.code, 0, `openstack ${args.join(' ')} failed:\n${r.stderr}\n${r.stdout}`);
    return r.stdout;
  };
  const reg = parseFields(await openstack(['registered', 'limit', 'create', '--service', 'glance', '--default-limit', '5', '--region', 'RegionOne', '--description', 'demo', 'image_demo']));
  assert.equal(reg.resource_name, 'image_demo');
  assert.equal(reg.default_limit, '5');
  assert.equal(reg.service_id, imageService);
  assert.equal(reg.region_id, 'RegionOne');
  const regs = parseRows(await openstack(['registered', 'limit', 'list', '--service', 'glance']));
  assert.deepEqual(regs.map((r) => r['Resource Name']).sort(), ['image_count_total', 'image_count_uploading', 'image_demo', 'image_size_total', 'image_stage_total']);

  const lim = parseFields(await openstack(['limit', 'create', '--project', 'beta', '--service', 'glance', '--region', 'RegionOne', '--resource-limit', '3', 'image_size_total']));
  assert.equal(lim.project_id, beta.projectId);
  assert.equal(lim.resource_limit, '3');
  const listed = parseRows(await openstack(['limit', 'list', '--project', 'beta']));
  assert.deepEqual(listed.map((r) => [r['Resource Name'], r['Resource Limit']]).sort(), [['image_count_total', '8'], ['image_size_total', '3']]);
  assert.deepEqual((await usage(betaApi)).image_size_total, { usage: 0, limit: 3 });
  await openstack(['limit', 'set', '--resource-limit', '4', lim.id]);
  assert.deepEqual((await usage(betaApi)).image_size_total, { usage: 0, limit: 4 });
  await openstack(['limit', 'delete', lim.id]);
  assert.deepEqual((await usage(betaApi)).image_size_total, { usage: 0, limit: 100 });
  await openstack(['registered', 'limit', 'delete', reg.id]);
  assert.equal((await admin('GET', `/v3/registered_limits/${reg.id}`)).status, 404);
});

test('a glance-direct import over image_size_total: POST /import is accepted (delta 0), the task fails with Glance\'s text, the image is queued again', async () => {
  const mine = (await admin('GET', `/v3/limits?project_id=${alpha.projectId}&resource_name=image_size_total`)).json.limits;
  assert.equal((await admin('PATCH', `/v3/limits/${mine[0].id}`, { limit: { resource_limit: 0 } })).status, 200);
  const img = await alphaApi.create({ name: 'imported', disk_format: 'raw', container_format: 'bare' });
  assert.equal((await alphaApi.put(`/v2/images/${img.id}/stage`, new Uint8Array(1.5 * MiB), OCTETS)).status, 204);
  const r = await alphaApi.post(`/v2/images/${img.id}/import`, { method: { name: 'glance-direct' } });
  assert.equal(r.status, 202, r.text);
  let task: { status: string; message: string } | undefined;
  for (let i = 0; i < 100 && task?.status !== 'failure'; i++) {
    await new Promise((res) => setTimeout(res, 100));
    task = (await alphaApi.get(`/v2/images/${img.id}/tasks`)).json.tasks[0];
  }
  assert.equal(task?.status, 'failure');
  assert.equal(
    task?.message,
    'The request returned a 413 Request Entity Too Large. This generally means that rate limiting or a quota threshold was breached.' +
      `\n\nThe response body:\nProject ${alpha.projectId} is over a limit for [Resource image_size_total is over limit of 0 due to current usage 0 and delta 1]`,
  );
  const after = (await alphaApi.get(`/v2/images/${img.id}`)).json;
  assert.equal(after.status, 'queued');
  assert.equal(after.os_glance_import_task, undefined, 'the import lock is dropped');
  // Once usage is over the limit, POST /import itself is refused (image_size_total, delta 0).
  assert.equal((await admin('PATCH', `/v3/limits/${mine[0].id}`, { limit: { resource_limit: 1 } })).status, 200);
  const big = await alphaApi.create({ name: 'big', disk_format: 'raw', container_format: 'bare' });
  assert.equal((await alphaApi.put(`/v2/images/${big.id}/file`, new Uint8Array(1024), OCTETS)).status, 204);
  assert.equal((await admin('PATCH', `/v3/limits/${mine[0].id}`, { limit: { resource_limit: 0 } })).status, 200);
  await server.query('update images set size = ? where id = ?', [3 * MiB, big.id]);
  const refused = await alphaApi.post(`/v2/images/${img.id}/import`, { method: { name: 'glance-direct' } });
  assert.equal(refused.status, 413);
  assert.equal(refused.text, overLimit(alpha.projectId, 'image_size_total', 0, 3, 0));
});
