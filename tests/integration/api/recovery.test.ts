// A server killed (kill -9) in the middle of an upload: the next server on the
// same database and directories puts the image back to queued, removes the
// partial (or complete but unrecorded) file and records why.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { startServer, removeDir, type TestServer } from '../../helpers/server';
import { client } from '../../helpers/http';
import { events, filesIn, md5, putHead, RawRequest, serverPid, waitFor, waitForExit, waitForStatus } from '../../helpers/data';

const servers: TestServer[] = [];

after(async () => {
  for (const s of servers) await s.stop();
  if (servers[0]) removeDir(servers[0].dir);
});

test('kill -9 during an upload: after restart the image is queued, the partial file gone, reset_after_restart recorded', async () => {
  const first = await startServer();
  servers.push(first);
  const images = path.join(first.dir, 'images');
  const api = client(first.url);
  const img = await api.create({ disk_format: 'raw', container_format: 'bare' });

  const req = new RawRequest(first.port, putHead(img.id, { 'Content-Length': String(8 * 1048576) }));
  await req.write(randomBytes(2 * 1048576));
  await waitForStatus(first, img.id, 'saving');
  const partial = path.join(images, `.${img.id}.partial`);
  await waitFor('the partial file', async () => (filesIn(images).includes(partial) ? true : undefined));

  const pid = serverPid(first);
  process.kill(pid, 'SIGKILL');
  await waitForExit(pid, 'the server to die');
  req.destroy();
  assert.equal((await first.query<{ status: string }>('SELECT status FROM images WHERE id = ?', [img.id]))[0].status, 'saving');
  assert.deepEqual(filesIn(images), [partial], 'the crash left the partial file behind');
  // A crash between the rename into place and the database commit leaves a complete file instead.
  const orphan = path.join(first.dir, 'images-2');
  mkdirSync(orphan);
  writeFileSync(path.join(orphan, img.id), 'renamed but never recorded');
  await first.stop();
  servers.pop();

  const second = await startServer({
    databaseUrl: first.databaseUrl,
    dir: first.dir,
    storeConfig: (dir) => `filesystem_store_datadirs = ${path.join(dir, 'images')}:100\nfilesystem_store_datadirs = ${orphan}:50`,
  });
  servers.push(second);
  const api2 = client(second.url);
  const shown = (await api2.get(`/v2/images/${img.id}`)).json;
  assert.equal(shown.status, 'queued');
  assert.deepEqual(filesIn(images, orphan), []);
  const reset = (await events(second, img.id)).filter((e) => e.action === 'reset_after_restart');
  assert.equal(reset.length, 1);
  assert.equal(reset[0].from_status, 'saving');
  assert.equal(reset[0].to_status, 'queued');
  assert.ok(reset[0].reason);

  const data = randomBytes(300_000);
  assert.equal((await api2.put(`/v2/images/${img.id}/file`, data, { 'Content-Type': 'application/octet-stream' })).status, 204);
  assert.equal((await api2.get(`/v2/images/${img.id}`)).json.checksum, md5(data));
});
