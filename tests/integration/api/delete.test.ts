// DELETE /v2/images/{id} (reference 15-delete, 26-error-403-protected-delete):
// status codes, and the soft delete as it shows in SQL.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { serverForFile, type TestServer } from '../../helpers/server';
import { client } from '../../helpers/http';
import { assertHtmlError, webobError } from '../../helpers/glance';

let server: TestServer;
let api: ReturnType<typeof client>;

serverForFile((s) => {
  server = s;
  api = client(s.url);
});

test('delete: 204, then 404 for GET, DELETE and /file; everything soft-deleted in SQL', async () => {
  const image = await api.createWithData(new Uint8Array(1000).fill(3), {
    name: 'to-delete', disk_format: 'raw', container_format: 'bare', tags: ['a', 'b'], os_distro: 'cirros',
  });
  const [loc] = await server.query<{ value: string }>('SELECT value FROM image_locations WHERE image_id = ?', [image.id]);
  const file = loc.value.replace('file://', '');
  assert.ok(existsSync(file));

  const del = await api.del(`/v2/images/${image.id}`);
  assert.equal(del.status, 204);
  assert.equal(del.text, '');
  assert.equal(del.headers.get('content-type'), 'text/html; charset=UTF-8');
  assert.match(del.headers.get('x-openstack-request-id') ?? '', /^req-/);

  const notFound = webobError('404 Not Found', `No image found with ID ${image.id}`);
  assertHtmlError(await api.get(`/v2/images/${image.id}`), 404, notFound, 181);
  assertHtmlError(await api.del(`/v2/images/${image.id}`), 404, webobError('404 Not Found', `Failed to find image ${image.id} to delete`), 189);
  assertHtmlError(await api.get(`/v2/images/${image.id}/file`), 404, notFound, 181);
  assert.equal(existsSync(file), false, 'the data is gone');

  const [row] = await server.query('SELECT status, deleted, deleted_at FROM images WHERE id = ?', [image.id]);
  assert.equal(row.status, 'deleted');
  assert.equal(row.deleted, 1);
  assert.match(String(row.deleted_at), /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
  for (const table of ['image_properties', 'image_tags', 'image_locations']) {
    const rows = await server.query(`SELECT deleted, deleted_at FROM ${table} WHERE image_id = ?`, [image.id]);
    assert.ok(rows.length > 0, table);
    for (const r of rows) {
      assert.equal(r.deleted, 1, table);
      assert.ok(r.deleted_at, table);
    }
  }
  const events = await server.query('SELECT action, from_status, to_status FROM image_events WHERE image_id = ? ORDER BY id', [image.id]);
  assert.deepEqual(events.at(-1), { action: 'deleted', from_status: 'active', to_status: 'deleted' });
});

test('a queued image is deleted too', async () => {
  const image = await api.create({ name: 'queued' });
  assert.equal((await api.del(`/v2/images/${image.id}`)).status, 204);
  const events = await server.query('SELECT action, from_status, to_status FROM image_events WHERE image_id = ? ORDER BY id', [image.id]);
  assert.deepEqual(events, [
    { action: 'created', from_status: null, to_status: 'queued' },
    { action: 'deleted', from_status: 'queued', to_status: 'deleted' },
  ]);
});

test('protected: 403 until protected=false is patched in, then 204', async () => {
  const image = await api.create({ name: 'protected-img', disk_format: 'raw', container_format: 'bare', protected: true });
  assert.equal(image.protected, true);
  assertHtmlError(await api.del(`/v2/images/${image.id}`), 403,
    webobError('403 Forbidden', `Image ${image.id} is protected and cannot be deleted.`), 200);
  const [still] = await server.query('SELECT status, deleted FROM images WHERE id = ?', [image.id]);
  assert.deepEqual(still, { status: 'queued', deleted: 0 });
  const un = await api.patch(`/v2/images/${image.id}`, [{ op: 'replace', path: '/protected', value: false }]);
  assert.equal(un.status, 200);
  assert.equal(un.json.protected, false);
  assert.equal((await api.del(`/v2/images/${image.id}`)).status, 204);
});

test('path-like and non-UUID ids are 404s and touch no files', async () => {
  const before = readdirSync(path.join(server.dir, 'images')).sort();
  for (const id of ['..%2F..%2Fetc', '..%2F..%2Fetc%2Fpasswd', 'not-a-uuid', '%2E%2E']) {
    for (const [method, suffix] of [['GET', ''], ['DELETE', ''], ['GET', '/file'], ['PUT', '/file'], ['PUT', '/tags/x']] as const) {
      const r = await api.call(method, `/v2/images/${id}${suffix}`, method === 'PUT' && suffix === '/file'
        ? { body: new Uint8Array(10), headers: { 'Content-Type': 'application/octet-stream' } } : {});
      assert.equal(r.status, 404, `${method} ${id}${suffix}`);
    }
  }
  assert.deepEqual(readdirSync(path.join(server.dir, 'images')).sort(), before);
  assert.ok(existsSync('/etc/passwd'));
  const nonUuid = await api.get('/v2/images/not-a-uuid');
  assertHtmlError(nonUuid, 404, webobError('404 Not Found', 'No image found with ID not-a-uuid'), 155);
});
