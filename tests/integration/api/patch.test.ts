// PATCH /v2/images/{id} as real Glance answers it (reference 07-patch,
// 23-error-403-patch-readonly, 24-error-400-bad-json, 25-error-415).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, removeDir, type TestServer } from '../../helpers/server';
import { qcow2 } from '../../helpers/data';
import { client, PATCH_TYPE } from '../../helpers/http';
import { assertHtmlError, webobDetail, webobError, webobPage } from '../../helpers/glance';

let server: TestServer;
let api: ReturnType<typeof client>;
let active: { id: string };
let queued: { id: string };

before(async () => {
  server = await startServer();
  api = client(server.url);
  active = await api.createWithData(qcow2(1n << 30n, 4096), {
    name: 'cirros-anchor', disk_format: 'qcow2', container_format: 'bare', visibility: 'private',
    min_disk: 1, min_ram: 64, tags: ['t1', 't2'], os_distro: 'cirros', hw_disk_bus: 'virtio',
  });
  queued = await api.create({ name: 'queued' });
});

after(async () => {
  await server?.stop();
  if (server) removeDir(server.dir);
});

const patch = (id: string, ops: unknown, headers?: Record<string, string>) => api.patch(`/v2/images/${id}`, ops, headers);
const conflict = (detail: string) => webobDetail('409 Conflict', 'There was a conflict when trying to complete your request.', detail);

test('replace name, add and remove custom properties: 200 with the whole image, custom props first', async () => {
  const renamed = await patch(active.id, [{ op: 'replace', path: '/name', value: 'cirros-renamed' }]);
  assert.equal(renamed.status, 200);
  assert.equal(renamed.headers.get('content-type'), 'application/json');
  assert.equal(renamed.json.name, 'cirros-renamed');
  assert.match(renamed.headers.get('x-openstack-request-id') ?? '', /^req-/);

  const added = await patch(active.id, [
    { op: 'add', path: '/owner_specified.openstack.object', value: 'images/cirros' },
    { op: 'add', path: '/foo', value: 'bar' },
  ]);
  assert.equal(added.status, 200);
  assert.deepEqual(Object.keys(added.json).slice(0, 5), ['os_distro', 'hw_disk_bus', 'owner_specified.openstack.object', 'foo', 'name']);

  const removed = await patch(active.id, [{ op: 'remove', path: '/foo' }]);
  assert.equal(removed.status, 200);
  assert.equal('foo' in removed.json, false);
  // Removed properties stay in the table, soft-deleted, as Glance keeps them.
  const [foo] = await server.query('SELECT value, deleted, deleted_at FROM image_properties WHERE image_id = ? AND name = ?', [active.id, 'foo']);
  assert.equal(foo.deleted, 1);
  assert.match(String(foo.deleted_at), /^\d{4}-/);

  // Adding it back revives the same row, so it keeps its place.
  const back = await patch(active.id, [{ op: 'add', path: '/foo', value: 'again' }]);
  assert.equal(back.json.foo, 'again');
  assert.deepEqual(Object.keys(back.json).slice(0, 4), ['os_distro', 'hw_disk_bus', 'owner_specified.openstack.object', 'foo']);
  await patch(active.id, [{ op: 'remove', path: '/foo' }]);

  const several = await patch(active.id, [
    { op: 'replace', path: '/name', value: 'cirros-final' },
    { op: 'add', path: '/k1', value: 'v1' },
    { op: 'remove', path: '/k1' },
  ]);
  assert.equal(several.status, 200);
  assert.equal(several.json.name, 'cirros-final');
  assert.equal('k1' in several.json, false);

  const minRam = await patch(active.id, [{ op: 'replace', path: '/min_ram', value: 128 }]);
  assert.equal(minRam.json.min_ram, 128);
  const [row] = await server.query('SELECT name, min_ram FROM images WHERE id = ?', [active.id]);
  assert.deepEqual(row, { name: 'cirros-final', min_ram: 128 });
});

test('every PATCH writes an "updated" event naming its ops', async () => {
  const r = await patch(queued.id, [{ op: 'replace', path: '/name', value: 'evented' }, { op: 'add', path: '/x', value: 'y' }]);
  assert.equal(r.status, 200);
  const events = await server.query('SELECT action, reason, request_id FROM image_events WHERE image_id = ? ORDER BY id', [queued.id]);
  assert.deepEqual(events.map((e) => e.action), ['created', 'updated']);
  assert.equal(events[1].reason, 'replace /name, add /x');
  assert.equal(events[1].request_id, r.headers.get('x-openstack-request-id'));
});

test('missing properties → 409 with the detail line; /tags/- → 400; tags only as a whole list', async () => {
  assertHtmlError(await patch(active.id, [{ op: 'remove', path: '/nope' }]), 409, conflict('Property nope does not exist.'), 207);
  assertHtmlError(await patch(active.id, [{ op: 'replace', path: '/nope2', value: 'x' }]), 409, conflict('Property nope2 does not exist.'), 208);
  assertHtmlError(await patch(active.id, [{ op: 'add', path: '/tags/-', value: 't3' }]), 400,
    webobError('400 Bad Request', 'Invalid JSON pointer for this resource: &#x27;/tags/-&#x27;'), 185);
  const tags = await patch(active.id, [{ op: 'replace', path: '/tags', value: ['t1', 't2', 't3', 'patched', 't3'] }]);
  assert.equal(tags.status, 200);
  assert.deepEqual([...tags.json.tags].sort(), ['patched', 't1', 't2', 't3']);
  const shrunk = await patch(active.id, [{ op: 'replace', path: '/tags', value: ['t1'] }]);
  assert.deepEqual(shrunk.json.tags, ['t1']);
  const live = await server.query('SELECT value FROM image_tags WHERE image_id = ? AND deleted = 0', [active.id]);
  assert.deepEqual(live, [{ value: 't1' }]);
});

test('a non-string custom value → 400 with jsonschema\'s text (same bytes as Glance)', async () => {
  const q = (s: string) => `&#x27;${s}&#x27;`;
  assertHtmlError(await patch(active.id, [{ op: 'add', path: '/intprop', value: 5 }]), 400, webobError('400 Bad Request',
    `Provided object does not match schema ${q('image')}: 5 is not of type ${q('string')}\n\n` +
    `Failed validating ${q('type')} in schema[${q('additionalProperties')}]:\n    {${q('type')}: ${q('string')}}\n\n` +
    `On instance[${q('intprop')}]:\n    5`), 383);
  const floppy = await patch(queued.id, [{ op: 'replace', path: '/disk_format', value: 'floppy' }]);
  assert.equal(floppy.status, 400);
  assert.equal(Buffer.byteLength(floppy.text), 1076);
  assertHtmlError(await patch(queued.id, [{ op: 'replace', path: '/min_ram', value: -1 }]), 400,
    webobError('400 Bad Request', 'Invalid value &#x27;-1&#x27; for parameter &#x27;min_ram&#x27;: Cannot be a negative value'));
});

test('the v2.0 media type with its old op syntax', async () => {
  const r = await patch(active.id, [{ replace: '/name', value: 'cirros-v20' }], { 'Content-Type': 'application/openstack-images-v2.0-json-patch' });
  assert.equal(r.status, 200);
  assert.equal(r.json.name, 'cirros-v20');
  const v20 = { 'Content-Type': 'application/openstack-images-v2.0-json-patch' };
  assertHtmlError(await patch(active.id, [{ add: '/name', value: 'x' }], v20), 409, conflict('Property name already present.'));
  assertHtmlError(await patch(active.id, [{ value: 'x' }], v20), 400,
    webobError('400 Bad Request', 'Operation objects must contain exactly one member named &quot;add&quot;, &quot;remove&quot;, or &quot;replace&quot;.'));
});

test('read-only, reserved and core attributes', async () => {
  const lengths: Record<string, number> = {
    status: 164, checksum: 166, id: 160, size: 162, os_hash_value: 171, os_hash_algo: 170,
    created_at: 168, self: 162, file: 162, schema: 164, virtual_size: 170,
  };
  for (const [attr, length] of Object.entries(lengths)) {
    assertHtmlError(await patch(active.id, [{ op: 'replace', path: `/${attr}`, value: 'x' }]), 403,
      webobError('403 Forbidden', `Attribute &#x27;${attr}&#x27; is read-only.`), length);
  }
  assertHtmlError(await patch(active.id, [{ op: 'replace', path: '/disk_format', value: 'raw' }]), 403,
    webobError('403 Forbidden', 'Attribute disk_format can be only replaced for a queued image.'), 184);
  assertHtmlError(await patch(active.id, [{ op: 'replace', path: '/container_format', value: 'bare' }]), 403,
    webobError('403 Forbidden', 'Attribute container_format can be only replaced for a queued image.'));
  assertHtmlError(await patch(active.id, [{ op: 'remove', path: '/name' }]), 403,
    webobDetail('403 Forbidden', 'Access was denied to this resource.', 'Property name may not be removed.'), 190);
  assertHtmlError(await patch(active.id, [{ op: 'add', path: '/os_glance_foo', value: 'x' }]), 403,
    webobError('403 Forbidden', 'Attribute &#x27;os_glance_foo&#x27; is reserved.'), 170);
  const ok = await patch(queued.id, [{ op: 'replace', path: '/disk_format', value: 'raw' }]);
  assert.equal(ok.json.disk_format, 'raw', 'formats can change while queued');
});

test('bad bodies and ops', async () => {
  const raw = (body: string) => api.call('PATCH', `/v2/images/${active.id}`, { body, headers: { 'Content-Type': PATCH_TYPE } });
  assertHtmlError(await raw('[{"op":'), 400, webobError('400 Bad Request', 'Malformed JSON in request body.'), 157);
  assertHtmlError(await raw('{"op":"replace","path":"/name","value":"x"}'), 400,
    webobError('400 Bad Request', 'Request body must be a JSON array of operation objects.'), 181);
  assertHtmlError(await raw('[{"op":"move","from":"/name","path":"/n2"}]'), 400,
    webobError('400 Bad Request', 'Invalid operation: `move`. It must be one of the following: add, remove, replace.'), 207);
  assertHtmlError(await raw('[{"op":"replace","path":"/name"}]'), 400,
    webobError('400 Bad Request', 'Operation &quot;replace&quot; requires a member named &quot;value&quot;.'), 198);
  assertHtmlError(await raw('[5]'), 400, webobError('400 Bad Request', 'Operations must be JSON objects.'));
  assertHtmlError(await raw('[{"op":"replace","value":"x"}]'), 400, webobError('400 Bad Request', 'Unable to find &#x27;path&#x27; in JSON Schema change'));
  assertHtmlError(await raw('[{"op":"replace","path":"name","value":"x"}]'), 400,
    webobError('400 Bad Request', 'Pointer `name` does not start with &quot;/&quot;.'));
  const empty = await raw('[]');
  assert.equal(empty.status, 200, 'no ops: the image as it is');
});

test('wrong Content-Type → 415 with Accept-Patch, before anything else', async () => {
  const cases: [Record<string, string>, string, number][] = [
    [{ 'Content-Type': 'application/json' }, 'application/json', 219],
    [{ 'Content-Type': 'application/json-patch+json' }, 'application/json-patch+json', 230],
    [{ 'Content-Type': 'application/x-www-form-urlencoded' }, 'application/x-www-form-urlencoded', 236],
  ];
  for (const [headers, type, length] of cases) {
    const r = await api.call('PATCH', `/v2/images/${active.id}`, { body: '[{"op":"replace","path":"/name","value":"x"}]', headers });
    assertHtmlError(r, 415, webobPage('415 Unsupported Media Type', `The request media type ${type} is not supported by this server.\n<br /><br />\n`), length);
    assert.equal(r.headers.get('accept-patch'), 'application/openstack-images-v2.0-json-patch, application/openstack-images-v2.1-json-patch');
  }
  // Even for an unknown image: the media type is checked first.
  const unknown = await api.call('PATCH', '/v2/images/00000000-0000-0000-0000-000000000000', { body: '[]', headers: { 'Content-Type': 'application/json' } });
  assert.equal(unknown.status, 415);
});

test('PATCH of an unknown image → 404; validation comes before the lookup, as in Glance', async () => {
  const id = '00000000-0000-0000-0000-000000000000';
  assertHtmlError(await patch(id, [{ op: 'replace', path: '/name', value: 'x' }]), 404,
    webobError('404 Not Found', `No image found with ID ${id}`), 181);
  assert.equal((await patch(id, [{ op: 'replace', path: '/status', value: 'x' }])).status, 403);
});
