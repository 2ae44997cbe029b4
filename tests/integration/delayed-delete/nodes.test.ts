// Two nodes on one database and one store, both scrubbing every second: each
// pending_delete image is scrubbed exactly once (one 'scrubbed' event, no
// failed delete of data the other node already removed), and all are gone.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { client } from '../../helpers/http';
import { newCluster, removeCluster, startNode, type Cluster } from '../../helpers/nodes';
import type { TestServer } from '../../helpers/server';
import { waitFor } from '../../helpers/data';

let cluster: Cluster;
let a: TestServer;
let b: TestServer;

before(async () => {
  cluster = newCluster({ extraConfig: 'delayed_delete = true\nscrub_time = 3600\nwakeup_time = 1\nscrub_pool_size = 4' });
  a = await startNode(cluster);
  b = await startNode(cluster);
});

after(async () => {
  await removeCluster(cluster, [a, b]);
});

test('many pending_delete images, two scrubbing nodes: every image scrubbed once', async () => {
  const ids: string[] = [];
  for (let i = 0; i < 24; i++) {
    const api = client((i % 2 ? a : b).url);
    const img = await api.createWithData(new Uint8Array(2048).fill(i), { name: `n${i}`, disk_format: 'raw', container_format: 'bare' });
    assert.equal((await api.del(`/v2/images/${img.id}`)).status, 204);
    ids.push(img.id);
  }
  assert.ok(ids.every((id) => existsSync(path.join(cluster.images, id))));
  // scrub_time passes for all at once: both nodes find them due in the same second.
  await a.query('UPDATE images SET deleted_at = deleted_at - INTERVAL 2 HOUR WHERE status = ?', ['pending_delete']);
  await waitFor('every image scrubbed', async () => {
    const [{ n }] = await a.query<{ n: number }>("SELECT COUNT(*) AS n FROM images WHERE status = 'pending_delete'");
    return n === 0 ? true : undefined;
  });
  const counts = await a.query<{ image_id: string; n: number }>("SELECT image_id, COUNT(*) AS n FROM image_events WHERE action = 'scrubbed' GROUP BY image_id");
  assert.deepEqual(new Map(counts.map((c) => [c.image_id, c.n])), new Map(ids.map((id) => [id, 1])));
  assert.ok(ids.every((id) => !existsSync(path.join(cluster.images, id))), 'the data is gone');
  const locations = await a.query<{ status: string; n: number }>('SELECT status, COUNT(*) AS n FROM image_locations GROUP BY status');
  assert.deepEqual(locations, [{ status: 'deleted', n: 24 }]);
  for (const node of [a, b]) assert.doesNotMatch(node.output(), /unable to scrub|scrub failed|scrubber run failed/);
});
