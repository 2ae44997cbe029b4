// Two API nodes on one database and one Ceph RGW bucket (single-store s3):
// data uploaded through one node is read, changed and deleted through the
// other; a browser upload staged on A and resumed through B lands in the
// bucket; a node killed mid-upload leaves no open multipart upload once the
// other node has repaired its upload.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { client } from '../../helpers/http';
import { md5, putHead, RawRequest, serverPid, sha512, waitForStatus } from '../../helpers/data';
import { eventually } from '../../helpers/images';
import { deleteBucketDeep, freshBucket, listMultipartUploads, listObjects, testS3 } from '../../helpers/s3';
import { HEARTBEAT_S, newCluster, removeCluster, startNode, tusEndpoint, tusUpload, type Cluster } from '../../helpers/nodes';
import type { TestServer } from '../../helpers/server';

let cluster: Cluster;
let bucket: string;
let a: TestServer;
let b: TestServer;

before(async () => {
  const s3 = testS3();
  bucket = await freshBucket('nodes');
  cluster = newCluster({
    storeConfig: [
      'default_store = s3',
      `s3_store_host = ${s3.endpoint}`, `s3_store_access_key = ${s3.accessKey}`, `s3_store_secret_key = ${s3.secretKey}`,
      `s3_store_region_name = ${s3.region}`, `s3_store_bucket = ${bucket}`, 's3_store_bucket_url_format = path',
      's3_store_large_object_chunk_size = 5', 's3_store_thread_pools = 2',
    ].join('\n'),
  });
  a = await startNode(cluster);
  b = await startNode(cluster);
});

after(async () => {
  await removeCluster(cluster, [a, b]);
  if (bucket) await deleteBucketDeep(bucket);
});

const OCTETS = { 'Content-Type': 'application/octet-stream' };
const keysOf = async () => (await listObjects(bucket)).map((o) => o.key);

test('uploaded through node A into S3: downloaded, patched, deactivated, reactivated and deleted through node B', async () => {
  const data = randomBytes(11 * 1048576);
  const img = await client(a.url).create({ disk_format: 'raw', container_format: 'bare', name: 's3-two-nodes' });
  assert.equal((await client(a.url).put(`/v2/images/${img.id}/file`, data, OCTETS)).status, 204);
  assert.deepEqual((await keysOf()).filter((k) => k.includes(img.id)), [img.id]);

  const viaB = client(b.url);
  const shown = (await viaB.get(`/v2/images/${img.id}`)).json;
  assert.deepEqual([shown.status, shown.checksum, shown.os_hash_value], ['active', md5(data), sha512(data)]);
  const got = await fetch(`${b.url}/v2/images/${img.id}/file`);
  assert.equal(md5(Buffer.from(await got.arrayBuffer())), md5(data));
  assert.equal((await viaB.patch(`/v2/images/${img.id}`, [{ op: 'replace', path: '/name', value: 'renamed-on-b' }])).status, 200);
  assert.equal((await client(a.url).get(`/v2/images/${img.id}`)).json.name, 'renamed-on-b');
  assert.equal((await viaB.post(`/v2/images/${img.id}/actions/deactivate`)).status, 204);
  assert.equal((await client(a.url).get(`/v2/images/${img.id}`)).json.status, 'deactivated');
  assert.equal((await viaB.post(`/v2/images/${img.id}/actions/reactivate`)).status, 204);
  assert.equal((await viaB.del(`/v2/images/${img.id}`)).status, 204);
  assert.deepEqual((await keysOf()).filter((k) => k.includes(img.id)), [], 'the object is gone');
  assert.equal((await client(a.url).get(`/v2/images/${img.id}`)).status, 404);
});

test('a browser upload staged on node A and resumed through node B is imported into the bucket', async () => {
  const data = randomBytes(3 * 1048576);
  const img = await client(a.url).create({ disk_format: 'raw', container_format: 'bare' });
  assert.equal(await tusUpload({ endpoint: tusEndpoint(a) }, img.id, data, { chunkSize: 512 * 1024, stopAfterChunks: 2 }), 'stopped');
  assert.equal(await tusUpload({ endpoint: tusEndpoint(b), uploadUrl: `${tusEndpoint(b)}/${img.id}` }, img.id, data, { chunkSize: 512 * 1024 }), 'done');
  await eventually(`${img.id} active`, async () => ((await client(b.url).get(`/v2/images/${img.id}`)).json.status === 'active' ? true : undefined));
  assert.equal((await client(b.url).get(`/v2/images/${img.id}`)).json.checksum, md5(data));
  assert.deepEqual((await keysOf()).filter((k) => k.includes(img.id)), [img.id]);
});

test('node A killed mid-upload: node B returns the image to queued and no multipart upload stays open', async () => {
  const img = await client(a.url).create({ disk_format: 'raw', container_format: 'bare' });
  const req = new RawRequest(a.port, putHead(img.id, { 'Content-Length': String(40 * 1048576) }));
  for (let i = 0; i < 12; i++) await req.write(randomBytes(1048576));
  await eventually('a multipart upload in the bucket', async () => ((await listMultipartUploads(bucket)).some((u) => u.key === img.id) ? true : undefined));
  process.kill(serverPid(a), 'SIGKILL');
  req.destroy();
  await waitForStatus(b, img.id, 'queued');
  await eventually('the open multipart upload aborted', async () => ((await listMultipartUploads(bucket)).some((u) => u.key === img.id) ? undefined : true), 5 * HEARTBEAT_S * 1000 + 10_000);
  assert.deepEqual((await keysOf()).filter((k) => k.includes(img.id)), []);
  // The image takes data through B afterwards.
  const again = randomBytes(200_000);
  assert.equal((await client(b.url).put(`/v2/images/${img.id}/file`, again, OCTETS)).status, 204);
  assert.equal((await client(b.url).get(`/v2/images/${img.id}`)).json.checksum, md5(again));
});
