// POST /v2/images as real Glance answers it (reference 03-create, 21, 24, 26,
// 27, 28), in noauth mode: every request is an admin of project 'admin'.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serverForFile, type TestServer } from '../../helpers/server';
import { client } from '../../helpers/http';
import { curl } from '../../helpers/curl';
import { assertHtmlError, ISO, pyDumps, UUID, webobDetail, webobError } from '../../helpers/glance';

let server: TestServer;
let api: ReturnType<typeof client>;

serverForFile((s) => {
  server = s;
  api = client(s.url);
});

const json = { 'Content-Type': 'application/json' };

test('create with custom properties: 201, headers, Glance\'s key order and bytes', async () => {
  const r = await curl([
    '-s', '-i', '-X', 'POST', '-H', 'Host: controller:9292', '-H', 'Content-Type: application/json',
    '-d', '{"name":"cirros-anchor","disk_format":"qcow2","container_format":"bare","visibility":"private","min_disk":1,"min_ram":64,"tags":["t1","t2"],"os_distro":"cirros","hw_disk_bus":"virtio"}',
    `${server.url}/v2/images`,
  ]);
  assert.equal(r.statusLines.at(-1), 'HTTP/1.1 201 Created');
  const image = JSON.parse(r.body);
  assert.match(image.id, UUID);
  assert.equal(r.headers.location, `http://controller:9292/v2/images/${image.id}`);
  assert.equal(r.headers['openstack-image-import-methods'], 'glance-direct,web-download', 'only the methods that work (Glance: all it enables)');
  assert.equal(r.headers['content-type'], 'application/json');
  assert.match(r.headers['x-openstack-request-id'], /^req-/);
  assert.match(image.created_at, ISO);
  const expected = {
    os_distro: 'cirros', hw_disk_bus: 'virtio', name: 'cirros-anchor', disk_format: 'qcow2', container_format: 'bare',
    visibility: 'private', size: null, virtual_size: null, status: 'queued', checksum: null, protected: false,
    min_ram: 64, min_disk: 1, owner: 'admin', os_hidden: false, os_hash_algo: null, os_hash_value: null, id: image.id,
    created_at: image.created_at, updated_at: image.created_at, tags: ['t1', 't2'],
    self: `/v2/images/${image.id}`, file: `/v2/images/${image.id}/file`, schema: '/v2/schemas/image',
  };
  assert.equal(r.body, pyDumps(expected));
  // Real Glance: 652 bytes with "owner": null; noauth here owns images as project 'admin' (+3).
  assert.equal(Buffer.byteLength(r.body), 652 + 3);

  const shown = await api.get(`/v2/images/${image.id}`);
  assert.equal(shown.status, 200);
  assert.equal(shown.text, r.body);

  const [row] = await server.query('SELECT status, owner, visibility, min_ram, min_disk, deleted FROM images WHERE id = ?', [image.id]);
  assert.deepEqual(row, { status: 'queued', owner: 'admin', visibility: 'private', min_ram: 64, min_disk: 1, deleted: 0 });
  const props = await server.query('SELECT name, value FROM image_properties WHERE image_id = ? ORDER BY id', [image.id]);
  assert.deepEqual(props, [{ name: 'os_distro', value: 'cirros' }, { name: 'hw_disk_bus', value: 'virtio' }]);
  const events = await server.query('SELECT action, from_status, to_status, request_id, project_id FROM image_events WHERE image_id = ?', [image.id]);
  assert.deepEqual(events, [{ action: 'created', from_status: null, to_status: 'queued', request_id: r.headers['x-openstack-request-id'], project_id: 'admin' }]);
});

test('create with {} gives Glance\'s defaults; no Content-Type and text/plain are parsed as JSON', async () => {
  const empty = await api.post('/v2/images', {});
  assert.equal(empty.status, 201);
  const keys = ['name', 'disk_format', 'container_format', 'visibility', 'size', 'virtual_size', 'status', 'checksum', 'protected', 'min_ram', 'min_disk', 'owner', 'os_hidden', 'os_hash_algo', 'os_hash_value', 'id', 'created_at', 'updated_at', 'tags', 'self', 'file', 'schema'];
  assert.deepEqual(Object.keys(empty.json), keys);
  assert.equal(empty.json.visibility, 'shared');
  assert.equal(empty.json.name, null);
  assert.equal(empty.json.min_ram, 0);
  assert.equal(Buffer.byteLength(empty.text), 576 + 3, 'Glance\'s 576 bytes, with owner "admin" instead of null');

  // As recorded: curl -d without -H (so form-urlencoded), and an explicit text/plain.
  for (const headers of [[], ['-H', 'Content-Type: text/plain']]) {
    const r = await curl(['-s', '-i', '-X', 'POST', ...headers, '-d', '{"name":"no-ctype"}', `${server.url}/v2/images`]);
    assert.equal(r.status, 201, headers.join(' '));
    assert.equal(JSON.parse(r.body).name, 'no-ctype');
  }
});

test('client-chosen id, then the same id again → 409, malformed id → 400', async () => {
  const id = 'a0a0a0a0-b1b1-c2c2-d3d3-e4e4e4e4e4e4';
  const r = await api.post('/v2/images', { id, name: 'fixed-id', disk_format: 'raw', container_format: 'bare' });
  assert.equal(r.status, 201);
  assert.equal(r.json.id, id);
  assert.equal(r.headers.get('location'), `${server.url}/v2/images/${id}`);

  const dup = await api.post('/v2/images', { id, name: 'dup' });
  assertHtmlError(dup, 409, webobError('409 Conflict', `Image ID ${id} already exists!`), 181);
  const dupJson = await api.post('/v2/images', { id, name: 'dup' }, { Accept: 'application/json' });
  assert.equal(dupJson.status, 409);
  assert.equal(dupJson.headers.get('content-type'), 'application/json');
  assert.equal(dupJson.text, `{"message": "Image ID ${id} already exists!<br /><br />\\n\\n\\n", "code": "409 Conflict", "title": "Conflict"}`);
  assert.equal(Buffer.byteLength(dupJson.text), 139);

  // The id is kept as written; ids compare case-insensitively, as in Glance's MySQL.
  const upper = 'B0B0B0B0-B1B1-C2C2-D3D3-E4E4E4E4E4E4';
  const created = await api.post('/v2/images', { id: upper });
  assert.equal(created.json.id, upper);
  assert.equal((await api.get(`/v2/images/${upper.toLowerCase()}`)).json.id, upper);
  assert.equal((await api.post('/v2/images', { id: upper.toLowerCase() })).status, 409);

  const bad = await api.post('/v2/images', { id: 'not-a-uuid', name: 'dup' });
  const q = (s: string) => `&#x27;${s}&#x27;`;
  const pattern = '^([0-9a-fA-F]){8}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){12}$';
  assertHtmlError(bad, 400, webobError('400 Bad Request',
    `Provided object does not match schema ${q('image')}: ${q('not-a-uuid')} does not match ${q(pattern)}\n\n` +
    `Failed validating ${q('pattern')} in schema[${q('properties')}][${q('id')}]:\n` +
    `    {${q('description')}: ${q('An identifier for the image')},\n     ${q('pattern')}: ${q(pattern)},\n     ${q('type')}: ${q('string')}}\n\n` +
    `On instance[${q('id')}]:\n    ${q('not-a-uuid')}`), 708);
  const [{ n }] = await server.query<{ n: number }>('SELECT COUNT(*) AS n FROM images WHERE id = ?', [id]);
  assert.equal(n, 1);
});

test('schema violations: 400 with jsonschema\'s text, HTML-escaped or as JSON', async () => {
  const floppy = await api.post('/v2/images', { name: 'bad', disk_format: 'floppy', container_format: 'bare' });
  assert.equal(floppy.status, 400);
  assert.equal(Buffer.byteLength(floppy.text), 1076, 'the same length as real Glance');
  assert.match(floppy.text, /Failed validating &#x27;enum&#x27; in schema\[&#x27;properties&#x27;\]\[&#x27;disk_format&#x27;\]:\n {4}\{&#x27;description&#x27;: &#x27;Format of the disk&#x27;,\n {5}&#x27;enum&#x27;: \[None,\n {14}&#x27;ami&#x27;,/);

  const asJson = await api.post('/v2/images', { name: 'bad', disk_format: 'floppy', container_format: 'bare' }, { Accept: 'application/json' });
  assert.equal(asJson.status, 400);
  assert.equal(Buffer.byteLength(asJson.text), 703);
  assert.equal(asJson.json.code, '400 Bad Request');
  assert.equal(asJson.json.title, 'Bad Request');
  assert.equal(
    asJson.json.message,
    "Provided object does not match schema 'image': 'floppy' is not one of [None, 'ami', 'ari', 'aki', 'vhd', 'vhdx', 'vmdk', 'raw', 'qcow2', 'vdi', 'iso', 'ploop']\n\nFailed validating 'enum' in schema['properties']['disk_format']:\n    {'description': 'Format of the disk',\n     'enum': [None,\n              'ami',\n              'ari',\n              'aki',\n              'vhd',\n              'vhdx',\n              'vmdk',\n              'raw',\n              'qcow2',\n              'vdi',\n              'iso',\n              'ploop'],\n     'type': ['null', 'string']}\n\nOn instance['disk_format']:\n    'floppy'<br /><br />\n\n\n",
  );

  const lengths: [object, number][] = [
    [{ name: 'bad', disk_format: 'raw', container_format: 'box' }, 951],
    [{ name: 'bad', visibility: 'everyone' }, 684],
    [{ name: 'n'.repeat(256) }, 1032],
    [{ name: 'p2', protected: 'yes' }, 509],
  ];
  for (const [body, length] of lengths) {
    const r = await api.post('/v2/images', body);
    assert.equal(r.status, 400, JSON.stringify(body));
    assert.equal(Buffer.byteLength(r.text), length, JSON.stringify(body));
  }
  const yes = await api.post('/v2/images', { name: 'p2', protected: 'yes' });
  assert.ok(yes.text.includes('Provided object does not match schema &#x27;image&#x27;: &#x27;yes&#x27; is not of type &#x27;boolean&#x27;\n\nFailed validating &#x27;type&#x27; in schema[&#x27;properties&#x27;][&#x27;protected&#x27;]:\n    {&#x27;description&#x27;: &#x27;If true, image will not be deletable.&#x27;,\n     &#x27;type&#x27;: &#x27;boolean&#x27;}\n\nOn instance[&#x27;protected&#x27;]:\n    &#x27;yes&#x27;<br /><br />'));

  const custom = await api.post('/v2/images', { intprop: 5 });
  assert.equal(custom.status, 400);
  assert.ok(custom.text.includes('5 is not of type &#x27;string&#x27;\n\nFailed validating &#x27;type&#x27; in schema[&#x27;additionalProperties&#x27;]:\n    {&#x27;type&#x27;: &#x27;string&#x27;}\n\nOn instance[&#x27;intprop&#x27;]:\n    5<br />'));
  const [{ n }] = await server.query<{ n: number }>('SELECT COUNT(*) AS n FROM images');
  assert.equal(n, 6, 'none of the failures created an image');
});

test('negative min_ram / min_disk, read-only and reserved attributes', async () => {
  assertHtmlError(await api.post('/v2/images', { name: 'bad', min_ram: -1 }), 400,
    webobError('400 Bad Request', 'Invalid value &#x27;-1&#x27; for parameter &#x27;min_ram&#x27;: Cannot be a negative value'), 216);
  assertHtmlError(await api.post('/v2/images', { min_disk: -2, min_ram: -1 }), 400,
    webobError('400 Bad Request', 'Invalid value &#x27;-2&#x27; for parameter &#x27;min_disk&#x27;: Cannot be a negative value'));
  assertHtmlError(await api.post('/v2/images', { name: 'bad', status: 'active' }), 403,
    webobError('403 Forbidden', 'Attribute &#x27;status&#x27; is read-only.'), 164);
  assertHtmlError(await api.post('/v2/images', { name: 'bad', checksum: 'abc' }), 403,
    webobError('403 Forbidden', 'Attribute &#x27;checksum&#x27; is read-only.'), 166);
  assertHtmlError(await api.post('/v2/images', { self: '/x' }), 403, webobError('403 Forbidden', 'Attribute &#x27;self&#x27; is read-only.'));
  assertHtmlError(await api.post('/v2/images', { os_glance_x: 'y' }), 403,
    webobDetail('403 Forbidden', 'Access was denied to this resource.', 'Attribute &#x27;os_glance_x&#x27; is reserved.'));
  assertHtmlError(await api.post('/v2/images', { deleted: 'y' }), 403,
    webobDetail('403 Forbidden', 'Access was denied to this resource.', 'Attribute &#x27;deleted&#x27; is reserved.'));
  assertHtmlError(await api.post('/v2/images', { ['k'.repeat(256)]: 'v' }), 400,
    webobError('400 Bad Request', 'Custom property should not be greater than 255 characters.'));
});

test('booleans must be JSON booleans; tags are de-duplicated', async () => {
  for (const value of ['true', 'False', 1]) {
    const r = await api.post('/v2/images', { os_hidden: value });
    assert.equal(r.status, 400, String(value));
    assert.match(r.text, /is not of type &#x27;boolean&#x27;/);
  }
  const ok = await api.post('/v2/images', { protected: true, os_hidden: true, tags: ['a', 'b', 'a'] });
  assert.equal(ok.status, 201);
  assert.equal(ok.json.protected, true);
  assert.equal(ok.json.os_hidden, true);
  assert.deepEqual(ok.json.tags, ['a', 'b']);
});

test('noauth acts as admin: visibility public is allowed, owner defaults to the [noauth] project', async () => {
  const r = await api.post('/v2/images', { name: 'public-img', visibility: 'public' });
  assert.equal(r.status, 201);
  assert.equal(r.json.visibility, 'public');
  assert.equal(r.json.owner, 'admin');
  const other = await api.post('/v2/images', { name: 'for-someone', owner: 'another-project' });
  assert.equal(other.status, 201, 'an admin may create images for another project');
  assert.equal(other.json.owner, 'another-project');
});

test('bad bodies: malformed JSON, scalar, list (we answer 400 where Glance has a 500), no body', async () => {
  assertHtmlError(await api.call('POST', '/v2/images', { body: '{"name": ', headers: json }), 400,
    webobError('400 Bad Request', 'Malformed JSON in request body.'), 157);
  assertHtmlError(await api.call('POST', '/v2/images', { body: '"just a string"', headers: json }), 400,
    webobError('400 Bad Request', 'Unexpected body type. Expected list/dict.'));
  // Real Glance fails with 500 on a JSON list (a bug); a 400 tells the client what is wrong.
  assertHtmlError(await api.call('POST', '/v2/images', { body: '[1,2]', headers: json }), 400,
    webobError('400 Bad Request', 'Request body must be a JSON object.'));
  assertHtmlError(await api.call('POST', '/v2/images', { headers: json }), 400, webobError('400 Bad Request', 'Body expected in request.'));
});
