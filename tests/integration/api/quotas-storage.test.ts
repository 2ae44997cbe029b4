// Glance's legacy user_storage_quota ([DEFAULT], e.g. 10KB; 0 = unlimited):
// the caller's project may hold that many bytes of image data (size × live
// locations of its images that are not killed/deleted). PUT /file over it gets
// Glance's 413 (image_data.py: "Image exceeds the storage quota: ..."), before
// any byte when the Content-Length says so, else while streaming; the image
// returns to queued and nothing is left in the store.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { startServer, removeDir, type TestServer } from '../../helpers/server';
import { client } from '../../helpers/http';
import { webobError } from '../../helpers/glance';

let server: TestServer;
let api: ReturnType<typeof client>;
const QUOTA = 10 * 1024;

before(async () => {
  server = await startServer({ extraConfig: '[DEFAULT]\nuser_storage_quota = 10KB\nimage_size_cap = 20000' });
  api = client(server.url);
});

after(async () => {
  await server?.stop();
  if (server) removeDir(server.dir);
});

const TOO_LARGE = '413 Request Entity Too Large';
const OCTETS = { 'Content-Type': 'application/octet-stream' };
const quotaFull = (size: string, remaining: string) =>
  webobError(TOO_LARGE, `Image exceeds the storage quota: The size of the data ${size} will exceed the limit. ${remaining} bytes remaining.`);
// Glance's LimitingReader raises StorageQuotaFull() without arguments: the placeholders stay.
const STREAMED_OVER = quotaFull('%(image_size)s', '%(remaining)s');

/** A body without Content-Length (chunked), `total` bytes in 1 KiB chunks; `sent()` says how many were pulled. */
function chunked(total: number) {
  let pulled = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(c) {
      if (pulled >= total) return c.close();
      const n = Math.min(1024, total - pulled);
      pulled += n;
      c.enqueue(new Uint8Array(n).fill(7));
    },
  });
  return { stream, sent: () => pulled };
}

/** Files (complete or partial) of an image in the store directory. */
const storeFilesOf = (id: string) => readdirSync(path.join(server.dir, 'images')).filter((f) => f.includes(id));

async function statusOf(id: string): Promise<string> {
  return (await api.get(`/v2/images/${id}`)).json.status;
}

test('a known size over what is left is refused before any data; a chunked body when it goes over; an exact fit is fine', async () => {
  const a = await api.createWithData(new Uint8Array(6000).fill(1), { name: 'a' });
  assert.equal(a.size, 6000);
  const left = QUOTA - 6000;

  const b = await api.create({ name: 'b' });
  const known = await api.put(`/v2/images/${b.id}/file`, new Uint8Array(left + 1), OCTETS);
  assert.equal(known.status, 413);
  assert.equal(known.text, quotaFull(String(left + 1), String(left)));
  assert.equal(await statusOf(b.id), 'queued');

  const body = chunked(left + 4096);
  const streamed = await api.put(`/v2/images/${b.id}/file`, body.stream, OCTETS);
  assert.equal(streamed.status, 413);
  assert.equal(streamed.text, STREAMED_OVER);
  assert.equal(await statusOf(b.id), 'queued');
  assert.deepEqual(storeFilesOf(b.id), [], 'nothing of the refused uploads is left in the store');
  assert.deepEqual(storeFilesOf(a.id), [a.id]);

  const fits = await api.put(`/v2/images/${b.id}/file`, new Uint8Array(left).fill(2), OCTETS);
  assert.equal(fits.status, 204, fits.text);
  assert.equal(await statusOf(b.id), 'active');

  // No room at all: even a chunked upload of unknown size is refused at once (image_size None).
  const c = await api.create({ name: 'c' });
  const none = await api.put(`/v2/images/${c.id}/file`, chunked(10).stream, OCTETS);
  assert.equal(none.status, 413);
  assert.equal(none.text, quotaFull('None', '0'));
  assert.equal(await statusOf(c.id), 'queued');

  // Deleting an image gives its bytes back; queued and killed images never count.
  assert.equal((await api.del(`/v2/images/${a.id}`)).status, 204);
  const again = await api.put(`/v2/images/${c.id}/file`, new Uint8Array(6000), OCTETS);
  assert.equal(again.status, 204, again.text);
  assert.equal((await api.del(`/v2/images/${b.id}`)).status, 204);
  assert.equal((await api.del(`/v2/images/${c.id}`)).status, 204);
});

test('an upload over the quota is cut off while streaming: the server stops reading long before a large body ends', async () => {
  const img = await api.create({ name: 'big' });
  const body = chunked(512 * 1024 * 1024);
  const r = await api.put(`/v2/images/${img.id}/file`, body.stream, OCTETS);
  assert.equal(r.status, 413);
  assert.equal(r.text, STREAMED_OVER);
  assert.ok(body.sent() < 32 * 1024 * 1024, `only a bounded part of the body was read (${body.sent()} bytes)`);
  assert.equal(await statusOf(img.id), 'queued');
  assert.deepEqual(storeFilesOf(img.id), []);
});

test('image_size_cap still applies first when it is the smaller bound', async () => {
  const s = await startServer({ extraConfig: '[DEFAULT]\nuser_storage_quota = 1MB\nimage_size_cap = 1000' });
  try {
    const c = client(s.url);
    const img = await c.create({ name: 'capped' });
    const r = await c.put(`/v2/images/${img.id}/file`, chunked(5000).stream, OCTETS);
    assert.equal(r.status, 413);
    assert.equal(r.text, webobError(TOO_LARGE, 'The incoming image is too large: The provided image is too large.'));
  } finally {
    await s.stop();
    removeDir(s.dir);
  }
});

test('GET /v2/info/usage is {"usage": {}} without unified limits, as Glance', async () => {
  const r = await api.get('/v2/info/usage');
  assert.equal(r.status, 200);
  assert.equal(r.text, '{"usage": {}}');
});

test('an import is charged too (Glance charges set_data in its task): over what is left, the task fails and the image is queued again', async () => {
  const held = await api.createWithData(new Uint8Array(6000).fill(4), { name: 'held', disk_format: 'raw', container_format: 'bare' });
  const img = await api.create({ name: 'staged', disk_format: 'raw', container_format: 'bare' });
  // Staging is not charged (as in Glance): only the import that makes it the image's data.
  assert.equal((await api.put(`/v2/images/${img.id}/stage`, new Uint8Array(6000), OCTETS)).status, 204);
  assert.equal((await api.post(`/v2/images/${img.id}/import`, { method: { name: 'glance-direct' } })).status, 202);
  let task: { status: string; message: string } | undefined;
  for (let i = 0; i < 100 && task?.status !== 'failure'; i++) {
    await new Promise((res) => setTimeout(res, 100));
    task = (await api.get(`/v2/images/${img.id}/tasks`)).json.tasks[0];
  }
  assert.equal(task?.status, 'failure');
  assert.equal(task?.message, `The size of the data 6000 will exceed the limit. ${QUOTA - 6000} bytes remaining.`);
  assert.equal(await statusOf(img.id), 'queued');
  assert.deepEqual(storeFilesOf(img.id), []);
  assert.equal((await api.del(`/v2/images/${held.id}`)).status, 204);
});
