// Version discovery, /v2 redirects, schemas and info: byte for byte as real
// Glance answers (reference transcripts 01-versions, 10-schemas, 11-info).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serverForFile, type TestServer } from '../../helpers/server';
import { client } from '../../helpers/http';
import { curl } from '../../helpers/curl';
import { assertHtmlError, NOT_FOUND, pyDumps, webobError, webobPage } from '../../helpers/glance';

let server: TestServer;
let api: ReturnType<typeof client>;

serverForFile((s) => {
  server = s;
  api = client(s.url);
});

const IDS = ['v2.15', 'v2.9', 'v2.7', 'v2.6', 'v2.5', 'v2.4', 'v2.3', 'v2.2', 'v2.1', 'v2.0'];
function versionsBody(host: string): string {
  return pyDumps({
    versions: IDS.map((id, i) => ({ id, status: i === 0 ? 'CURRENT' : 'SUPPORTED', links: [{ rel: 'self', href: `http://${host}/v2/` }] })),
  });
}

test('GET / is the version list: 300, hrefs from the Host header, no request id', async () => {
  const r = await curl(['-s', '-i', '-H', 'Host: controller:9292', `${server.url}/`]);
  assert.equal(r.status, 300);
  assert.equal(r.headers['content-type'], 'application/json');
  assert.equal(r.body, versionsBody('controller:9292'));
  // The recorded body is 1063 bytes (its Content-Length, 1053, predates the rewrite of the host to controller:9292).
  assert.equal(Buffer.byteLength(r.body), 1063, 'the same length as the recorded body');
  assert.equal(r.headers['x-openstack-request-id'], undefined);
});

test('GET /versions is the same document with 200', async () => {
  const r = await curl(['-s', '-i', '-H', 'Host: controller:9292', `${server.url}/versions`]);
  assert.equal(r.status, 200);
  assert.equal(r.body, versionsBody('controller:9292'));
  assert.equal(Buffer.byteLength(r.body), 1063);
});

test('an unknown version prefix (/v1/...) gets the version list, as Glance\'s version negotiation', async () => {
  for (const [method, path] of [['GET', '/v1/images'], ['GET', '/v1'], ['POST', '/']]) {
    const r = await curl(['-s', '-i', '-X', method, '-H', 'Host: controller:9292', `${server.url}${path}`]);
    assert.equal(r.status, 300, path);
    assert.equal(r.body, versionsBody('controller:9292'), path);
  }
});

test('a browser asking for HTML at / is sent to the console', async () => {
  const r = await api.get('/', { Accept: 'text/html,application/xhtml+xml,*/*;q=0.8' });
  assert.equal(r.status, 302);
  assert.equal(r.headers.get('location'), `${server.url}/dashboard`);
});

test('/v2 redirects to /v2/, and /v2/ is a 404', async () => {
  const r = await curl(['-s', '-i', '-H', 'Host: controller:9292', `${server.url}/v2`]);
  assert.equal(r.status, 302);
  assert.equal(r.headers.location, 'http://controller:9292/v2/');
  assert.equal(r.body, '');
  assert.match(r.headers['x-openstack-request-id'], /^req-/);

  assertHtmlError(await api.get('/v2/'), 404, NOT_FOUND, 154);
  assertHtmlError(await api.get('/v2/nonexistent'), 404, NOT_FOUND, 154);
  assertHtmlError(await api.post('/v2/nonexistent/deeper', {}), 404, NOT_FOUND, 154);
});

test('schemas are served with Glance\'s bytes (same key order and lengths)', async () => {
  const lengths = { image: 6083, images: 6371, member: 678, members: 839 };
  for (const [name, length] of Object.entries(lengths)) {
    const r = await api.get(`/v2/schemas/${name}`);
    assert.equal(r.status, 200, name);
    assert.equal(r.headers.get('content-type'), 'application/json');
    assert.equal(Buffer.byteLength(r.text), length, name);
    assert.equal(r.text, pyDumps(r.json), `${name}: Python's separators`);
  }
  const image = (await api.get('/v2/schemas/image')).json;
  assert.equal(image.name, 'image');
  assert.deepEqual(image.additionalProperties, { type: 'string' });
  assert.ok(image.properties.os_distro, 'the Debian schema-image.json extras are included');
  assertHtmlError(await api.get('/v2/schemas/nope'), 404, NOT_FOUND);
  const post = await api.post('/v2/schemas/image', {});
  assertHtmlError(post, 405, webobPage('405 Method Not Allowed', 'The method POST is not allowed for this resource. <br /><br />\n'));
  assert.equal(post.headers.get('allow'), 'GET');
});

test('info: import methods, usage, and no stores discovery', async () => {
  const imp = await api.get('/v2/info/import');
  assert.equal(imp.status, 200);
  assert.equal(
    imp.text,
    '{"import-methods": {"description": "Import methods available.", "type": "array", "value": ["glance-direct", "web-download"]}}',
  );
  assert.equal(Buffer.byteLength(imp.text), 125);
  const usage = await api.get('/v2/info/usage');
  assert.equal(usage.text, '{"usage": {}}');
  assert.equal(Buffer.byteLength(usage.text), 13);
  const stores = webobError('404 Not Found', 'Multi backend is not supported at this site.');
  assertHtmlError(await api.get('/v2/info/stores'), 404, stores, 166);
  assertHtmlError(await api.get('/v2/info/stores/detail'), 404, stores, 166);
});
