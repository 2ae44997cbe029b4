// Tags (reference 08-tags) and deactivate/reactivate status codes
// (09-deactivate-reactivate), with the image_events rows they leave.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, removeDir, type TestServer } from '../../helpers/server';
import { client } from '../../helpers/http';
import { assertHtmlError, NOT_FOUND, webobError, webobPage } from '../../helpers/glance';

let server: TestServer;
let api: ReturnType<typeof client>;
let active: { id: string };

before(async () => {
  server = await startServer();
  api = client(server.url);
  active = await api.createWithData(new Uint8Array(2048).fill(1), { name: 'act', disk_format: 'raw', container_format: 'bare', tags: ['t1'] });
});

after(async () => {
  await server?.stop();
  if (server) removeDir(server.dir);
});

function assertEmpty204(r: { status: number; text: string; headers: Headers }): void {
  assert.equal(r.status, 204);
  assert.equal(r.text, '');
  assert.equal(r.headers.get('content-type'), 'text/html; charset=UTF-8');
  assert.match(r.headers.get('x-openstack-request-id') ?? '', /^req-/);
}

test('PUT a tag twice → 204 both times; DELETE it, then DELETE again → 404', async () => {
  assertEmpty204(await api.put(`/v2/images/${active.id}/tags/newtag`));
  assertEmpty204(await api.put(`/v2/images/${active.id}/tags/newtag`));
  assert.deepEqual((await api.get(`/v2/images/${active.id}`)).json.tags, ['t1', 'newtag']);
  const rows = await server.query('SELECT value FROM image_tags WHERE image_id = ? AND value = ? AND deleted = 0', [active.id, 'newtag']);
  assert.equal(rows.length, 1, 'the second PUT added nothing');

  assertEmpty204(await api.del(`/v2/images/${active.id}/tags/newtag`));
  assert.deepEqual((await api.get(`/v2/images/${active.id}`)).json.tags, ['t1']);
  assertHtmlError(await api.del(`/v2/images/${active.id}/tags/newtag`), 404, NOT_FOUND, 154);
  const [gone] = await server.query('SELECT deleted FROM image_tags WHERE image_id = ? AND value = ?', [active.id, 'newtag']);
  assert.equal(gone.deleted, 1, 'the removed tag is soft-deleted');
});

test('tags on an unknown image → 404 "Image … not found."; tags with spaces and too long', async () => {
  const id = '00000000-0000-0000-0000-000000000000';
  assertHtmlError(await api.put(`/v2/images/${id}/tags/x`), 404, webobError('404 Not Found', `Image ${id} not found.`), 175);
  assertHtmlError(await api.del(`/v2/images/${id}/tags/x`), 404, webobError('404 Not Found', `Image ${id} not found.`), 175);
  assertEmpty204(await api.put(`/v2/images/${active.id}/tags/with%20space`));
  assert.ok((await api.get(`/v2/images/${active.id}`)).json.tags.includes('with space'));
  const long = await api.put(`/v2/images/${active.id}/tags/${'x'.repeat(256)}`);
  assert.equal(long.status, 400);
  assert.match(long.text, /is too long\n\nFailed validating &#x27;maxLength&#x27; in schema\[&#x27;properties&#x27;\]\[&#x27;tags&#x27;\]\[&#x27;items&#x27;\]:\n {4}\{&#x27;maxLength&#x27;: 255, &#x27;type&#x27;: &#x27;string&#x27;\}\n\nOn instance\[&#x27;tags&#x27;\]\[0\]:/);
  const get = await api.get(`/v2/images/${active.id}/tags/x`);
  assert.equal(get.status, 405);
  assert.equal(get.headers.get('allow'), 'PUT, DELETE');
});

test('deactivate / reactivate: 204, idempotent, statuses and events', async () => {
  assertEmpty204(await api.post(`/v2/images/${active.id}/actions/deactivate`));
  assert.equal((await api.get(`/v2/images/${active.id}`)).json.status, 'deactivated');
  assertEmpty204(await api.post(`/v2/images/${active.id}/actions/deactivate`));
  assertEmpty204(await api.post(`/v2/images/${active.id}/actions/reactivate`));
  assert.equal((await api.get(`/v2/images/${active.id}`)).json.status, 'active');
  assertEmpty204(await api.post(`/v2/images/${active.id}/actions/reactivate`));

  const events = await server.query('SELECT action, from_status, to_status FROM image_events WHERE image_id = ? ORDER BY id', [active.id]);
  assert.deepEqual(events.map((e) => e.action), [
    'created', 'upload_started', 'upload_finished', 'updated', 'updated', 'updated', 'deactivated', 'reactivated',
  ]);
  assert.deepEqual(events.slice(-2), [
    { action: 'deactivated', from_status: 'active', to_status: 'deactivated' },
    { action: 'reactivated', from_status: 'deactivated', to_status: 'active' },
  ]);
});

test('deactivate a queued image → 403; unknown action → 404; other methods → 405', async () => {
  const queued = await api.create({ name: 'q' });
  assertHtmlError(await api.post(`/v2/images/${queued.id}/actions/deactivate`), 403,
    webobError('403 Forbidden', 'Not allowed to deactivate image in status &#x27;queued&#x27;'), 182);
  assertHtmlError(await api.post(`/v2/images/${queued.id}/actions/reactivate`), 403,
    webobError('403 Forbidden', 'Not allowed to reactivate image in status &#x27;queued&#x27;'));
  assertHtmlError(await api.post(`/v2/images/${active.id}/actions/explode`), 404, NOT_FOUND, 154);
  const id = '00000000-0000-0000-0000-000000000000';
  assertHtmlError(await api.post(`/v2/images/${id}/actions/deactivate`), 404, webobError('404 Not Found', `No image found with ID ${id}`));
  const get = await api.get(`/v2/images/${active.id}/actions/deactivate`);
  assertHtmlError(get, 405, webobPage('405 Method Not Allowed', 'The method GET is not allowed for this resource. <br /><br />\n'));
  assert.equal(get.headers.get('allow'), 'POST');
  assert.equal((await api.get(`/v2/images/${active.id}/actions/explode`)).status, 404);
  const withBody = await api.call('POST', `/v2/images/${active.id}/actions/deactivate`, { body: '{}', headers: { 'Content-Type': 'application/json' } });
  assertHtmlError(withBody, 400, webobError('400 Bad Request', 'A body is not expected with this request.'));
  const events = await server.query("SELECT COUNT(*) AS n FROM image_events WHERE image_id = ? AND action <> 'created'", [queued.id]);
  assert.equal(events[0].n, 0, 'refused actions leave no events');
});
