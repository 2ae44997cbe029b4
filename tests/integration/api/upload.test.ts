// PUT /v2/images/{id}/file: the happy path (plain, chunked, Expect: 100-continue),
// checksums, virtual_size, and the errors Glance answers with.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { serverForFile, type TestServer } from '../../helpers/server';
import { client } from '../../helpers/http';
import { curl } from '../../helpers/curl';
import { events, filesIn, md5, qcow2, sha512 } from '../../helpers/data';

let server: TestServer;
let api: ReturnType<typeof client>;
const OCTET = { 'Content-Type': 'application/octet-stream' };

serverForFile((s) => {
  server = s;
  api = client(s.url);
});

test('upload: 204, then active with size, md5 checksum, sha512 hash and virtual_size for raw', async () => {
  const data = randomBytes(1048576);
  const img = await api.create({ name: 'up', disk_format: 'raw', container_format: 'bare' });
  const put = await api.put(`/v2/images/${img.id}/file`, data, OCTET);
  assert.equal(put.status, 204);
  assert.equal(put.text, '');
  assert.equal(put.headers.get('content-type'), 'text/html; charset=UTF-8');
  assert.match(put.headers.get('x-openstack-request-id') ?? '', /^req-/);

  const shown = (await api.get(`/v2/images/${img.id}`)).json;
  assert.equal(shown.status, 'active');
  assert.equal(shown.size, data.length);
  assert.equal(shown.virtual_size, data.length);
  assert.equal(shown.checksum, md5(data));
  assert.equal(shown.os_hash_algo, 'sha512');
  assert.equal(shown.os_hash_value, sha512(data));

  const [loc] = await server.query<{ value: string; status: string }>('SELECT value, status FROM image_locations WHERE image_id = ?', [img.id]);
  assert.deepEqual(loc, { value: `file://${path.join(server.dir, 'images', img.id)}`, status: 'active' });
  assert.deepEqual(filesIn(path.join(server.dir, 'images')), [path.join(server.dir, 'images', img.id)]);
  assert.deepEqual(
    (await events(server, img.id)).map((e) => [e.action, e.from_status, e.to_status]),
    [['created', null, 'queued'], ['upload_started', 'queued', 'saving'], ['upload_finished', 'saving', 'active']],
  );
});

test('upload: sizes around the internal batch size hash correctly (empty, 1 byte, 9 MiB + 123)', async () => {
  for (const size of [0, 1, 9 * 1048576 + 123]) {
    const data = randomBytes(size);
    const shown = await api.createWithData(data, { disk_format: 'raw', container_format: 'bare' });
    assert.equal(shown.status, 'active', `size ${size}`);
    assert.equal(shown.size, size);
    assert.equal(shown.checksum, md5(data));
    assert.equal(shown.os_hash_value, sha512(data));
  }
});

test('upload with Transfer-Encoding: chunked (curl) gives the same checksums', async () => {
  const data = randomBytes(5 * 1048576 + 7);
  const file = path.join(server.dir, 'chunked.bin');
  writeFileSync(file, data);
  const img = await api.create({ disk_format: 'raw', container_format: 'bare' });
  const r = await curl(['-s', '-i', '-X', 'PUT', '-H', 'Content-Type: application/octet-stream', '-H', 'Transfer-Encoding: chunked',
    '--data-binary', `@${file}`, `${server.url}/v2/images/${img.id}/file`]);
  assert.equal(r.status, 204);
  const shown = (await api.get(`/v2/images/${img.id}`)).json;
  assert.equal(shown.size, data.length);
  assert.equal(shown.checksum, md5(data));
  assert.equal(shown.os_hash_value, sha512(data));
});

test('upload with Expect: 100-continue: curl shows 100 Continue, then 204', async () => {
  const data = randomBytes(2 * 1048576);
  const file = path.join(server.dir, 'expect.bin');
  writeFileSync(file, data);
  const img = await api.create({ disk_format: 'raw', container_format: 'bare' });
  const r = await curl(['-s', '-i', '-X', 'PUT', '-H', 'Content-Type: application/octet-stream', '-H', 'Expect: 100-continue',
    '--data-binary', `@${file}`, `${server.url}/v2/images/${img.id}/file`]);
  assert.deepEqual(r.statusLines, ['HTTP/1.1 100 Continue', 'HTTP/1.1 204 No Content']);
  assert.equal((await api.get(`/v2/images/${img.id}`)).json.checksum, md5(data));
});

test('a second upload is 409 "Image status transition from active to saving is not allowed", data untouched', async () => {
  const data = randomBytes(4096);
  const img = await api.createWithData(data, { disk_format: 'raw', container_format: 'bare' });
  const again = await api.put(`/v2/images/${img.id}/file`, randomBytes(4096), OCTET);
  assert.equal(again.status, 409);
  assert.equal(again.headers.get('content-type'), 'text/html; charset=UTF-8');
  assert.equal(
    again.text,
    '<html>\n <head>\n  <title>409 Conflict</title>\n </head>\n <body>\n  <h1>409 Conflict</h1>\n  Image status transition from active to saving is not allowed<br /><br />\n\n\n\n </body>\n</html>',
  );
  const asJson = await api.put(`/v2/images/${img.id}/file`, randomBytes(16), { ...OCTET, Accept: 'application/json' });
  assert.deepEqual(asJson.json, {
    message: 'Image status transition from active to saving is not allowed<br /><br />\n\n\n',
    code: '409 Conflict',
    title: 'Conflict',
  });
  const shown = (await api.get(`/v2/images/${img.id}`)).json;
  assert.equal(shown.status, 'active');
  assert.equal(shown.checksum, md5(data));
});

test('415 for a Content-Type other than application/octet-stream; the image stays queued', async () => {
  const img = await api.create({ disk_format: 'raw', container_format: 'bare' });
  const r = await api.put(`/v2/images/${img.id}/file`, randomBytes(1024), { 'Content-Type': 'application/json' });
  assert.equal(r.status, 415);
  assert.equal(
    r.text,
    '<html>\n <head>\n  <title>415 Unsupported Media Type</title>\n </head>\n <body>\n  <h1>415 Unsupported Media Type</h1>\n  The request media type application/json is not supported by this server.\n<br /><br />\n\n </body>\n</html>',
  );
  assert.equal((await api.get(`/v2/images/${img.id}`)).json.status, 'queued');
});

test('virtual_size: a real qcow2 header gives its size; raw data gives its own size (format-inspection.test.ts has the rest)', async () => {
  const virtual = 10n * 1024n * 1024n * 1024n;
  const real = await api.createWithData(qcow2(virtual), { disk_format: 'qcow2', container_format: 'bare' });
  assert.equal(real.virtual_size, Number(virtual));
  assert.equal(real.size, 65536);

  const raw = await api.createWithData(new Uint8Array(65536).fill(7), { disk_format: 'raw', container_format: 'bare' });
  assert.equal(raw.status, 'active');
  assert.equal(raw.virtual_size, 65536);
});

test('upload to an unknown image is 404', async () => {
  const r = await api.put('/v2/images/0b5e7a52-7f2d-4c1a-9e59-000000000000/file', randomBytes(16), OCTET);
  assert.equal(r.status, 404);
  assert.match(r.text, /No image found with ID 0b5e7a52-7f2d-4c1a-9e59-000000000000/);
});
