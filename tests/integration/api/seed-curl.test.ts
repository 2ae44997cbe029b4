// The seed lab's curl section (../shared/seed, section 4), command for command
// with only host and port changed, against a real server, MariaDB and disk.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { startServer, removeDir, type TestServer } from '../../helpers/server';
import { curl } from '../../helpers/curl';

let server: TestServer;
let imageFile: string;
const OS_TOKEN = 'unused-in-noauth-mode';

before(async () => {
  // The lab uploads with `curl -d`, which cannot send a real disk image (it stops at NUL bytes):
  // its stand-in is random text labelled qcow2, accepted only with the content check off.
  server = await startServer({ extraConfig: '[image_format]\nrequire_image_format_match = false\n' });
  imageFile = path.join(server.dir, 'cirros-0.3.5-x86_64-disk.img');
  // No NUL, CR or LF bytes: the lab uploads with `curl -d @file`, which stops at NUL and strips CR/LF.
  const data = Buffer.from(randomBytes(3_000_000).filter((b) => b !== 0 && b !== 10 && b !== 13));
  writeFileSync(imageFile, data);
});

after(async () => {
  await server?.stop();
  if (server) removeDir(server.dir);
});

test('the seed lab curl sequence: list, create, upload, show, deactivate, reactivate, delete', async () => {
  const base = server.url;
  const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

  const empty = await curl(['-s', '-i', '-X', 'GET', '-H', `X-Auth-Token: ${OS_TOKEN}`, `${base}/v2/images`]);
  assert.equal(empty.status, 200);
  assert.deepEqual(JSON.parse(empty.body), { images: [], first: '/v2/images', schema: '/v2/schemas/images' });
  assert.match(empty.headers['x-openstack-request-id'], /^req-[0-9a-f-]{36}$/);

  const created = await curl([
    '-i', '-s', '-X', 'POST', '-H', `X-Auth-Token: ${OS_TOKEN}`,
    '-H', 'Content-Type: application/json',
    '-d', '{"container_format": "bare", "disk_format": "qcow2", "name": "cirros-test-curl"}',
    `${base}/v2/images`,
  ]);
  assert.equal(created.statusLines[0], 'HTTP/1.1 201 Created');
  const image = JSON.parse(created.body);
  assert.match(image.id, uuid);
  assert.equal(created.headers.location, `${base}/v2/images/${image.id}`);
  assert.equal(image.status, 'queued');
  assert.equal(image.size, null);
  assert.equal(image.checksum, null);
  assert.equal(image.visibility, 'shared');
  assert.equal(image.name, 'cirros-test-curl');
  assert.deepEqual(image.tags, []);
  assert.equal(image.self, `/v2/images/${image.id}`);
  assert.equal(image.file, `/v2/images/${image.id}/file`);
  assert.equal(image.schema, '/v2/schemas/image');

  const upload = await curl([
    '-i', '-s', '-X', 'PUT', '-H', `X-Auth-Token: ${OS_TOKEN}`,
    '-H', 'Content-Type: application/octet-stream',
    '-d', `@${imageFile}`,
    `${base}/v2/images/${image.id}/file`,
  ]);
  assert.deepEqual(upload.statusLines, ['HTTP/1.1 100 Continue', 'HTTP/1.1 204 No Content']);
  assert.match(upload.headers['x-openstack-request-id'], /^req-/);

  const shown = await curl(['-s', '-X', 'GET', '-H', `X-Auth-Token: ${OS_TOKEN}`, `${base}/v2/images/${image.id}`]);
  const active = JSON.parse(shown.raw);
  const { readFileSync } = await import('node:fs');
  const bytes = readFileSync(imageFile);
  assert.equal(active.status, 'active');
  assert.equal(active.size, bytes.length);
  assert.equal(active.checksum, createHash('md5').update(bytes).digest('hex'));
  assert.equal(active.os_hash_algo, 'sha512');
  assert.equal(active.os_hash_value, createHash('sha512').update(bytes).digest('hex'));

  const list = await curl(['-s', '-X', 'GET', '-H', `X-Auth-Token: ${OS_TOKEN}`, `${base}/v2/images`]);
  assert.deepEqual(JSON.parse(list.raw).images.map((i: { id: string }) => i.id), [image.id]);

  const deactivate = await curl(['-i', '-s', '-X', 'POST', '-H', `X-Auth-Token: ${OS_TOKEN}`, `${base}/v2/images/${image.id}/actions/deactivate`]);
  assert.equal(deactivate.statusLines[0], 'HTTP/1.1 204 No Content');
  assert.equal(JSON.parse((await curl(['-s', `${base}/v2/images/${image.id}`])).raw).status, 'deactivated');

  const reactivate = await curl(['-i', '-s', '-X', 'POST', '-H', `X-Auth-Token: ${OS_TOKEN}`, `${base}/v2/images/${image.id}/actions/reactivate`]);
  assert.equal(reactivate.statusLines[0], 'HTTP/1.1 204 No Content');
  assert.equal(JSON.parse((await curl(['-s', `${base}/v2/images/${image.id}`])).raw).status, 'active');

  const [location] = await server.query<{ value: string }>('SELECT value FROM image_locations WHERE image_id = ?', [image.id]);
  const file = location.value.replace('file://', '');
  assert.ok(existsSync(file), 'the data file exists while the image does');

  const del = await curl(['-i', '-s', '-X', 'DELETE', '-H', `X-Auth-Token: ${OS_TOKEN}`, `${base}/v2/images/${image.id}`]);
  assert.equal(del.statusLines[0], 'HTTP/1.1 204 No Content');
  assert.equal((await curl(['-s', '-i', `${base}/v2/images/${image.id}`])).status, 404);
  assert.equal(existsSync(file), false, 'the data file is removed');

  // The lab's SQL: the location row stays, soft-deleted.
  const rows = await server.query<Record<string, unknown>>('select * from image_locations');
  assert.equal(rows.length, 1);
  const row = rows[0];
  assert.deepEqual(Object.keys(row), ['id', 'image_id', 'value', 'created_at', 'updated_at', 'deleted_at', 'deleted', 'meta_data', 'status']);
  assert.equal(row.image_id, image.id);
  assert.equal(row.value, `file://${path.join(server.dir, 'images', image.id)}`);
  assert.equal(row.deleted, 1);
  assert.equal(row.status, 'deleted');
  assert.equal(row.meta_data, '{}');
  assert.match(String(row.deleted_at), /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
  const [img] = await server.query<{ deleted: number; status: string }>('select deleted, status from images where id = ?', [image.id]);
  assert.deepEqual(img, { deleted: 1, status: 'deleted' });
});
