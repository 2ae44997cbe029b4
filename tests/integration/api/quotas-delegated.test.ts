// Unified limits kept by a real Keystone (Debian's, on loopback): with
// [keystone_authtoken] and use_keystone_limits, the limits are read from that
// Keystone's /v3/registered_limits and /v3/limits for the [oslo_limit]
// endpoint's service and region, as oslo.limit reads them.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { call, client } from '../../helpers/http';
import { getToken, makeProjectUser } from '../../helpers/identity';
import { startRealKeystone, type RealKeystone } from '../../helpers/real-keystone';
import { removeDir, startServer, type TestServer } from '../../helpers/server';

let keystone: RealKeystone;
let server: TestServer;
let demo: { projectId: string };
let adminToken: string;

const base = () => keystone.url.replace(/\/v3$/, '');
const ks = (method: string, path: string, body?: object) => call(base(), method, path, { headers: { 'X-Auth-Token': adminToken }, body });

before(async () => {
  keystone = await startRealKeystone();
  adminToken = await getToken(base(), 'admin', keystone.adminPassword, 'admin');
  demo = await makeProjectUser(base(), adminToken, 'demo', 'demo', 'demo-secret');
  await makeProjectUser(base(), adminToken, 'other', 'other', 'other-secret');
  const service = await ks('POST', '/v3/services', { service: { type: 'image', name: 'glance' } });
  assert.equal(service.status, 201, service.text);
  const endpoint = await ks('POST', '/v3/endpoints', {
    endpoint: { service_id: service.json.service.id, interface: 'public', url: 'http://127.0.0.1:9292', region_id: 'RegionOne' },
  });
  assert.equal(endpoint.status, 201, endpoint.text);
  const sid = service.json.service.id;
  const reg = await ks('POST', '/v3/registered_limits', {
    registered_limits: [
      { service_id: sid, region_id: 'RegionOne', resource_name: 'image_count_total', default_limit: 1 },
      { service_id: sid, region_id: 'RegionOne', resource_name: 'image_size_total', default_limit: 100 },
      { service_id: sid, region_id: 'RegionOne', resource_name: 'image_stage_total', default_limit: 100 },
      { service_id: sid, region_id: 'RegionOne', resource_name: 'image_count_uploading', default_limit: 5 },
    ],
  });
  assert.equal(reg.status, 201, reg.text);
  const lim = await ks('POST', '/v3/limits', {
    limits: [{ service_id: sid, region_id: 'RegionOne', project_id: demo.projectId, resource_name: 'image_count_total', resource_limit: 2 }],
  });
  assert.equal(lim.status, 201, lim.text);
  server = await startServer({
    flavor: 'keystone',
    extraConfig: [
      '[DEFAULT]',
      'use_keystone_limits = true',
      '[oslo_limit]',
      `endpoint_id = ${endpoint.json.endpoint.id}`,
      '[keystone_authtoken]',
      `www_authenticate_uri = ${base()}`,
      `auth_url = ${base()}`,
      'username = admin',
      `password = ${keystone.adminPassword}`,
      'project_name = admin',
      'user_domain_name = Default',
      'project_domain_name = Default',
    ].join('\n'),
  });
});

after(async () => {
  await server?.stop();
  if (server) removeDir(server.dir);
  await keystone?.stop();
});

test('the project limit and the registered defaults come from the real Keystone', async () => {
  const demoApi = client(server.url, { 'X-Auth-Token': await getToken(base(), 'demo', 'demo-secret', 'demo') });
  const usage = (await demoApi.get('/v2/info/usage')).json.usage;
  assert.deepEqual(usage, {
    image_size_total: { usage: 0, limit: 100 },
    image_stage_total: { usage: 0, limit: 100 },
    image_count_total: { usage: 0, limit: 2 },
    image_count_uploading: { usage: 0, limit: 5 },
  });
  assert.equal((await demoApi.post('/v2/images', { name: 'a' })).status, 201);
  assert.equal((await demoApi.post('/v2/images', { name: 'b' })).status, 201);
  const third = await demoApi.post('/v2/images', { name: 'c' }, { Accept: 'text/plain' });
  assert.equal(third.status, 413);
  assert.match(third.text, new RegExp(`Project ${demo.projectId} is over a limit for \\[Resource image_count_total is over limit of 2 due to current usage 2 and delta 1\\]`));

  // Another project has no limit of its own: the registered default (1).
  const otherApi = client(server.url, { 'X-Auth-Token': await getToken(base(), 'other', 'other-secret', 'other') });
  assert.equal((await otherApi.post('/v2/images', { name: 'o' })).status, 201);
  assert.equal((await otherApi.post('/v2/images', { name: 'p' })).status, 413);
  assert.deepEqual((await otherApi.get('/v2/info/usage')).json.usage.image_count_total, { usage: 1, limit: 1 });
});
