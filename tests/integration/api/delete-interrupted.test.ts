// A delete moves the image file aside (.<id>.deleting) while it records the
// delete, and removes it after the commit. A server killed in between leaves
// such a file; the next start puts it back when the delete was not committed
// and removes it when it was. The files are laid out as a kill would leave them.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { renameSync } from 'node:fs';
import path from 'node:path';
import { startServer, removeDir, type TestServer } from '../../helpers/server';
import { client } from '../../helpers/http';
import { filesIn, md5 } from '../../helpers/data';

const servers: TestServer[] = [];

after(async () => {
  for (const s of servers) await s.stop();
  if (servers[0]) removeDir(servers[0].dir);
});

test('a restart between moving the data aside and the commit: uncommitted deletes get their file back, committed ones lose it', async () => {
  const first = await startServer();
  servers.push(first);
  const images = path.join(first.dir, 'images');
  const api = client(first.url);
  const keptData = randomBytes(200_000);
  const kept = await api.createWithData(keptData, { disk_format: 'raw', container_format: 'bare' });
  const gone = await api.createWithData(randomBytes(100_000), { disk_format: 'raw', container_format: 'bare' });

  // `kept`: killed before the commit (rows untouched). `gone`: killed after it.
  const aside = (id: string) => path.join(images, `.${id}.deleting`);
  renameSync(path.join(images, kept.id), aside(kept.id));
  renameSync(path.join(images, gone.id), aside(gone.id));
  await first.query('UPDATE images SET status = ?, deleted = 1, deleted_at = NOW() WHERE id = ?', ['deleted', gone.id]);
  await first.query('UPDATE image_locations SET status = ?, deleted = 1, deleted_at = NOW() WHERE image_id = ?', ['deleted', gone.id]);
  await first.stop();
  servers.pop();

  const second = await startServer({ databaseUrl: first.databaseUrl, dir: first.dir });
  servers.push(second);
  assert.deepEqual(filesIn(images), [path.join(images, kept.id)]);
  const down = await fetch(`${second.url}/v2/images/${kept.id}/file`);
  assert.equal(down.status, 200);
  assert.equal(md5(Buffer.from(await down.arrayBuffer())), md5(keptData));
  assert.equal((await client(second.url).get(`/v2/images/${gone.id}`)).status, 404);
});
