// Error formats (reference 20-error-404-unknown-id, 28-error-misc): webob's
// HTML page, its JSON and plain-text variants chosen from Accept, 405s with
// Allow, and a request id on every /v2 response.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, removeDir, type TestServer } from '../../helpers/server';
import { call, client } from '../../helpers/http';
import { curl } from '../../helpers/curl';
import { assertHtmlError, NOT_FOUND, webobError, webobPage } from '../../helpers/glance';

let server: TestServer;
let api: ReturnType<typeof client>;
let image: { id: string };
const UNKNOWN = '00000000-0000-0000-0000-000000000000';

before(async () => {
  server = await startServer();
  api = client(server.url);
  image = await api.create({ name: 'present' });
});

after(async () => {
  await server?.stop();
  if (server) removeDir(server.dir);
});

test('unknown ids: 404 with Glance\'s message on every image endpoint', async () => {
  const noImage = webobError('404 Not Found', `No image found with ID ${UNKNOWN}`);
  assertHtmlError(await api.get(`/v2/images/${UNKNOWN}`), 404, noImage, 181);
  assertHtmlError(await api.get(`/v2/images/${UNKNOWN}/file`), 404, noImage, 181);
  assertHtmlError(await api.put(`/v2/images/${UNKNOWN}/file`, new Uint8Array(16), { 'Content-Type': 'application/octet-stream' }), 404, noImage, 181);
  assertHtmlError(await api.patch(`/v2/images/${UNKNOWN}`, [{ op: 'replace', path: '/name', value: 'x' }]), 404, noImage, 181);
  assertHtmlError(await api.del(`/v2/images/${UNKNOWN}`), 404, webobError('404 Not Found', `Failed to find image ${UNKNOWN} to delete`), 189);
});

test('Accept: application/json gives webob\'s JSON error (the <br /> leaks in, as in Glance)', async () => {
  const r = await api.get(`/v2/images/${UNKNOWN}`, { Accept: 'application/json' });
  assert.equal(r.status, 404);
  assert.equal(r.headers.get('content-type'), 'application/json');
  assert.equal(r.text, `{"message": "No image found with ID ${UNKNOWN}<br /><br />\\n\\n\\n", "code": "404 Not Found", "title": "Not Found"}`);
  assert.equal(Buffer.byteLength(r.text), 139);
  assert.match(r.headers.get('x-openstack-request-id') ?? '', /^req-/);
});

test('the error format follows webob\'s Accept negotiation', async () => {
  const html = ['*/*', 'text/html', 'application/json, text/html', 'text/*', 'application/json;q=0.5, text/html'];
  const json = ['application/json', 'application/*', 'text/html;q=0.1, application/json', '*/*;q=0.1, application/json'];
  for (const accept of html) {
    assert.equal((await api.get(`/v2/images/${UNKNOWN}`, { Accept: accept })).headers.get('content-type'), 'text/html; charset=UTF-8', accept);
  }
  for (const accept of json) {
    assert.equal((await api.get(`/v2/images/${UNKNOWN}`, { Accept: accept })).headers.get('content-type'), 'application/json', accept);
  }
  // Neither offered (or no Accept at all, which webob reads as empty): plain text.
  const plain = await api.get(`/v2/images/${UNKNOWN}`, { Accept: 'text/plain' });
  assert.equal(plain.headers.get('content-type'), 'text/plain; charset=UTF-8');
  assert.equal(plain.text, `404 Not Found\n\nNo image found with ID ${UNKNOWN}\n\n   `);
  const none = await curl(['-s', '-i', '-H', 'Accept:', `${server.url}/v2/images/${UNKNOWN}`]);
  assert.equal(none.headers['content-type'], 'text/plain; charset=UTF-8');
});

test('405 with Allow for the methods Glance rejects', async () => {
  const cases: [string, string, string][] = [
    ['POST', `/v2/images/${image.id}`, 'GET, PATCH, DELETE'],
    ['PUT', `/v2/images/${image.id}`, 'GET, PATCH, DELETE'],
    ['DELETE', '/v2/images', 'GET, POST'],
    ['PATCH', '/v2/images', 'GET, POST'],
    ['GET', `/v2/images/${image.id}/tags/t`, 'PUT, DELETE'],
    ['PUT', `/v2/images/${image.id}/actions/reactivate`, 'POST'],
    ['POST', '/v2/schemas/images', 'GET'],
    ['DELETE', '/v2/info/import', 'GET'],
  ];
  for (const [method, path, allow] of cases) {
    const r = await api.call(method, path, method === 'POST' || method === 'PUT' ? { body: '{}', headers: { 'Content-Type': 'application/json' } } : {});
    assertHtmlError(r, 405, webobPage('405 Method Not Allowed', `The method ${method} is not allowed for this resource. <br /><br />\n`));
    assert.equal(r.headers.get('allow'), allow, `${method} ${path}`);
  }
  const post = await api.post(`/v2/images/${image.id}`, {});
  assert.equal(Buffer.byteLength(post.text), 188, 'the same bytes as real Glance');
});

test('GET and DELETE with a body → 400, as Glance\'s body_reject', async () => {
  const r = await api.call('GET', `/v2/images/${image.id}`, { body: undefined, headers: { 'Content-Length': '0' } });
  assert.equal(r.status, 200, 'an empty body is fine');
  const del = await api.call('DELETE', `/v2/images/${image.id}`, { body: '{}', headers: { 'Content-Type': 'application/json' } });
  assertHtmlError(del, 400, webobError('400 Bad Request', 'A body is not expected with this request.'));
  assert.equal((await api.get(`/v2/images/${image.id}`)).status, 200, 'the image is still there');
});

test('every /v2 response carries its own X-Openstack-Request-Id', async () => {
  const paths = ['/v2/images', `/v2/images/${image.id}`, `/v2/images/${UNKNOWN}`, '/v2/schemas/image', '/v2/info/usage', '/v2/nope', '/v2/'];
  const ids = new Set<string>();
  for (const path of paths) {
    const r = await call(server.url, 'GET', path);
    const id = r.headers.get('x-openstack-request-id') ?? '';
    assert.match(id, /^req-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, path);
    ids.add(id);
  }
  assert.equal(ids.size, paths.length);
  assertHtmlError(await api.post('/v2/nonexistent', {}), 404, NOT_FOUND, 154);
});
