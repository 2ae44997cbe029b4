// Delayed delete over two stores, a file store and Ceph RGW (S3): an image
// copied into both keeps its file and its object while pending_delete, and
// the scrubber removes both before marking it deleted.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { serverForFile, type TestServer } from '../../helpers/server';
import { client } from '../../helpers/http';
import { events, waitFor, waitForStatus } from '../../helpers/data';
import { deleteBucketDeep, freshBucket, listObjects, s3StoreLines } from '../../helpers/s3';

let server: TestServer;
let api: ReturnType<typeof client>;
let bucket: string;
let fastDir: string;

before(async () => (bucket = await freshBucket('scrub')));
serverForFile((s) => {
  server = s;
  api = client(s.url);
}, {
  storeConfig: (dir) => {
    fastDir = path.join(dir, 'fast');
    mkdirSync(fastDir, { recursive: true });
    return [
      'default_backend = fast',
      '[DEFAULT]',
      'enabled_backends = fast:file, ceph:s3',
      'delayed_delete = true', 'scrub_time = 3600', 'wakeup_time = 1',
      '[fast]', `filesystem_store_datadir = ${fastDir}`,
      '[ceph]', ...s3StoreLines(bucket),
    ].join('\n');
  },
});
after(async () => {
  if (bucket) await deleteBucketDeep(bucket);
});

const inBucket = async (id: string) => (await listObjects(bucket)).some((o) => o.key.includes(id));

test('an image in the file store and in S3: both copies kept while pending_delete, both scrubbed', async () => {
  const image = await api.createWithData(randomBytes(200_000), { name: 'two-stores', disk_format: 'raw', container_format: 'bare' });
  const copy = await api.post(`/v2/images/${image.id}/import`, { method: { name: 'copy-image' }, stores: ['ceph'] });
  assert.equal(copy.status, 202, copy.text);
  await waitFor('the copy in ceph', async () => ((await api.get(`/v2/images/${image.id}`)).json.stores === 'fast,ceph' ? true : undefined), 60_000);
  const file = path.join(fastDir, image.id);
  assert.ok(existsSync(file) && (await inBucket(image.id)));

  assert.equal((await api.del(`/v2/images/${image.id}`)).status, 204);
  const locations = await server.query<{ status: string }>('SELECT status FROM image_locations WHERE image_id = ?', [image.id]);
  assert.deepEqual(locations.map((l) => l.status), ['pending_delete', 'pending_delete']);
  assert.ok(existsSync(file) && (await inBucket(image.id)), 'both copies stay until scrub_time');

  await server.query('UPDATE images SET deleted_at = deleted_at - INTERVAL 2 HOUR WHERE id = ?', [image.id]);
  await waitForStatus(server, image.id, 'deleted');
  assert.ok(!existsSync(file), 'the file is gone');
  assert.ok(!(await inBucket(image.id)), 'the object is gone');
  assert.equal((await events(server, image.id)).filter((e) => e.action === 'scrubbed').length, 1);
});
