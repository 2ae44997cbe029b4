// Uploads that do not finish: image_size_cap, the client hanging up, a delete
// during the upload. Each must leave no file (final or partial) and no image
// stuck in `saving`.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { startServer, removeDir, type TestServer } from '../../helpers/server';
import { client } from '../../helpers/http';
import { curl } from '../../helpers/curl';
import { chunk, events, filesIn, md5, putHead, RawRequest, waitFor, waitForStatus } from '../../helpers/data';

const CAP = 3 * 1048576;
let server: TestServer;
let api: ReturnType<typeof client>;
let images: string;

before(async () => {
  server = await startServer({ extraConfig: `[DEFAULT]\nimage_size_cap = ${CAP}\n` });
  api = client(server.url);
  images = path.join(server.dir, 'images');
});

after(async () => {
  await server?.stop();
  if (server) removeDir(server.dir);
});

const TOO_LARGE =
  '<html>\n <head>\n  <title>413 Request Entity Too Large</title>\n </head>\n <body>\n  <h1>413 Request Entity Too Large</h1>\n  The incoming image is too large: The provided image is too large.<br /><br />\n\n\n\n </body>\n</html>';

async function assertBackToQueued(id: string, reason: RegExp): Promise<void> {
  await waitForStatus(server, id, 'queued');
  const shown = (await api.get(`/v2/images/${id}`)).json;
  assert.equal(shown.status, 'queued');
  assert.equal(shown.size, null);
  assert.equal(shown.checksum, null);
  assert.deepEqual(filesIn(images), [], 'no final or partial file is left');
  const failed = (await events(server, id)).filter((e) => e.action === 'upload_failed');
  assert.equal(failed.length, 1);
  assert.equal(failed[0].from_status, 'saving');
  assert.equal(failed[0].to_status, 'queued');
  assert.match(failed[0].reason ?? '', reason);
}

async function assertUploadsAfterwards(id: string): Promise<void> {
  const data = randomBytes(100_000);
  const r = await api.put(`/v2/images/${id}/file`, data, { 'Content-Type': 'application/octet-stream' });
  assert.equal(r.status, 204);
  const shown = (await api.get(`/v2/images/${id}`)).json;
  assert.equal(shown.status, 'active');
  assert.equal(shown.checksum, md5(data));
  assert.deepEqual(filesIn(images), [path.join(images, id)]);
  assert.equal((await api.del(`/v2/images/${id}`)).status, 204);
}

test('image_size_cap: a Content-Length over the cap is 413 before the body is read', async () => {
  const img = await api.create({ disk_format: 'raw', container_format: 'bare' });
  // Only the head and a few bytes are sent: the answer must come without the rest.
  const req = new RawRequest(server.port, putHead(img.id, { 'Content-Length': String(CAP + 1) }));
  await req.write(randomBytes(1000));
  const res = await req.response();
  await req.close();
  assert.equal(res.status, 413);
  assert.equal(res.body, TOO_LARGE);
  await assertBackToQueued(img.id, /too large/);
  await assertUploadsAfterwards(img.id);
});

test('image_size_cap: a chunked body that grows past the cap is 413', async () => {
  const img = await api.create({ disk_format: 'raw', container_format: 'bare' });
  const file = path.join(server.dir, 'big.bin');
  writeFileSync(file, randomBytes(CAP + 1));
  const r = await curl(['-s', '-i', '-X', 'PUT', '-H', 'Content-Type: application/octet-stream', '-H', 'Transfer-Encoding: chunked',
    '--data-binary', `@${file}`, `${server.url}/v2/images/${img.id}/file`]);
  assert.equal(r.status, 413);
  assert.equal(r.body, TOO_LARGE);
  await assertBackToQueued(img.id, /too large/);
  await assertUploadsAfterwards(img.id);
});

test('image_size_cap: exactly the cap is accepted', async () => {
  const data = randomBytes(CAP);
  const shown = await api.createWithData(data, { disk_format: 'raw', container_format: 'bare' });
  assert.equal(shown.status, 'active');
  assert.equal(shown.checksum, md5(data));
  assert.equal((await api.del(`/v2/images/${shown.id}`)).status, 204);
});

for (const mode of ['Content-Length', 'chunked'] as const) {
  test(`client hangs up mid-upload (${mode}): no partial file, image back to queued, uploadable again`, async () => {
    const img = await api.create({ disk_format: 'raw', container_format: 'bare' });
    const total = 2 * 1048576;
    const head: Record<string, string> = mode === 'chunked' ? { 'Transfer-Encoding': 'chunked' } : { 'Content-Length': String(total) };
    const req = new RawRequest(server.port, putHead(img.id, head));
    const half = randomBytes(total / 2);
    await req.write(mode === 'chunked' ? chunk(half) : half);
    await waitForStatus(server, img.id, 'saving');
    // The half that was sent has reached the partial file before we hang up.
    await waitFor('the partial file', async () => (filesIn(images).some((f) => f.endsWith('.partial')) ? true : undefined));
    req.destroy();
    await assertBackToQueued(img.id, /closed the connection|ended after/);
    await assertUploadsAfterwards(img.id);
  });
}

test('a delete during the upload: the upload answers 410 and leaves no file', async () => {
  const img = await api.create({ disk_format: 'raw', container_format: 'bare' });
  const total = 2 * 1048576;
  const req = new RawRequest(server.port, putHead(img.id, { 'Content-Length': String(total) }));
  await req.write(randomBytes(total / 2));
  await waitForStatus(server, img.id, 'saving');
  assert.equal((await api.del(`/v2/images/${img.id}`)).status, 204);
  await req.write(randomBytes(total / 2));
  const res = await req.response();
  await req.close();
  assert.equal(res.status, 410);
  assert.equal(
    res.body,
    `<html>\n <head>\n  <title>410 Gone</title>\n </head>\n <body>\n  <h1>410 Gone</h1>\n  Image ${img.id} could not be found after upload. The image may have been deleted during the upload, cleaning up the chunks uploaded.<br /><br />\n\n\n\n </body>\n</html>`,
  );
  assert.deepEqual(filesIn(images), []);
  assert.equal(await waitFor('deleted status', async () => (await server.query<{ status: string }>('SELECT status FROM images WHERE id = ?', [img.id]))[0]?.status), 'deleted');
  assert.deepEqual(await server.query('SELECT id FROM image_locations WHERE image_id = ?', [img.id]), []);
});
