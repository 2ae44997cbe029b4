// A web-download cut by a kill -9 of its node mid-download (the source this
// test serves sends part of the body, then stalls): after the restart the
// task runs again and fetches from the start, so the image ends active with
// the right data, or, when the source is gone by then, the task fails and
// the image is queued. Never left importing; no partial file in the store
// and nothing in staging either way.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import http, { type ServerResponse } from 'node:http';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { startServer, removeDir, type TestServer } from '../../helpers/server';
import { client } from '../../helpers/http';
import { killServer, md5, sha512, waitFor } from '../../helpers/data';
import { allowSource, closeSource, listenOnLoopback } from '../../helpers/web-source';

const DATA = new Uint8Array(randomBytes(16 * 1048576));
/** Sent before the source stalls: more than one of the store's 4 MiB write slots. */
const HEAD = 6 * 1048576;
let source: http.Server;
let src: string;
let server: TestServer | undefined;
let dir: string | undefined;
/** Paths whose next request gets HEAD bytes and then nothing; the stalled responses, to close at the end. */
const stallNext = new Set<string>();
const stalled: ServerResponse[] = [];
const headSent = new Set<string>();
const served: string[] = [];

before(async () => {
  // /data: the whole file; /gone: 404, except while a stalled first request is wanted.
  source = http.createServer((req, res) => {
    const url = req.url ?? '';
    served.push(url);
    if (stallNext.delete(url)) {
      res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': DATA.length });
      for (let i = 0; i < HEAD; i += 65536) res.write(DATA.subarray(i, i + 65536), i + 65536 >= HEAD ? () => headSent.add(url) : undefined);
      stalled.push(res);
      return;
    }
    if (url === '/data') return void res.writeHead(200, { 'Content-Length': DATA.length }).end(DATA);
    res.writeHead(404, { 'Content-Type': 'text/plain' }).end('no such file');
  });
  src = await listenOnLoopback(source);
});

after(async () => {
  if (process.env.SHOW_SERVER_OUTPUT) console.log(server?.output());
  await server?.stop();
  for (const r of stalled) r.destroy();
  closeSource(source);
  if (dir) removeDir(dir);
});

const config = () => allowSource(src);
const storedOf = (s: TestServer, id: string) => readdirSync(path.join(s.dir, 'images')).filter((f) => f.includes(id));
const stagedOf = (s: TestServer, id: string) => {
  const d = path.join(s.dir, 'data', 'staging');
  return existsSync(d) ? readdirSync(d).filter((f) => f.startsWith(id)) : [];
};


/** POST /import of `path`, stalled mid-body; kill -9 once the store has its partial file; restart on the same database and dirs. */
async function importKilledMidDownload(path_: string): Promise<{ id: string; next: TestServer }> {
  const s = server!;
  const api = client(s.url);
  const img = await api.create({ disk_format: 'raw', container_format: 'bare' });
  stallNext.add(path_);
  assert.equal((await api.post(`/v2/images/${img.id}/import`, { method: { name: 'web-download', uri: `${src}${path_}` } })).status, 202);
  // A full write slot (4 MiB) in the store's partial file: the kill comes mid-download, not before it.
  const partialSize = () => storedOf(s, img.id).filter((f) => f.endsWith('.partial')).map((f) => statSync(path.join(s.dir, 'images', f)).size)[0] ?? 0;
  await waitFor('the download to be under way', async () => (headSent.has(path_) && partialSize() >= 4 * 1048576 ? true : undefined));
  assert.equal((await api.get(`/v2/images/${img.id}`)).json.status, 'importing');
  await killServer(s);
  server = await startServer({ databaseUrl: s.databaseUrl, dir: s.dir, extraConfig: config() });
  return { id: img.id, next: server };
}

/** The image once its import ended: out of importing, lock dropped, no task pending or processing. */
const settled = (s: TestServer, id: string) =>
  waitFor(`image ${id} to leave importing`, async () => {
    const img = (await client(s.url).get(`/v2/images/${id}`)).json;
    if (img.status === 'importing' || 'os_glance_import_task' in img) return undefined;
    const tasks = (await client(s.url).get(`/v2/images/${id}/tasks`)).json.tasks as { status: string; message: string }[];
    return tasks.some((t) => t.status === 'pending' || t.status === 'processing') ? undefined : { img, tasks };
  }, 60_000);

test('killed mid-download: the restarted node fetches again and the image becomes active with the data', async () => {
  server = await startServer({ extraConfig: config() });
  dir = server.dir;
  const { id, next } = await importKilledMidDownload('/data');
  const { img, tasks } = await settled(next, id);
  assert.equal(img.status, 'active');
  assert.equal(img.size, DATA.length);
  assert.equal(img.checksum, md5(DATA));
  assert.equal(img.os_hash_value, sha512(DATA));
  assert.deepEqual(tasks.map((t) => t.status), ['success']);
  assert.equal(served.filter((u) => u === '/data').length, 2, 'the resumed run fetched the URI again');
  // Only the image's own file: the cut download's partial file is gone.
  assert.deepEqual(storedOf(next, id), [id]);
  assert.deepEqual(stagedOf(next, id), []);
  const back = await fetch(`${next.url}/v2/images/${id}/file`);
  assert.equal(md5(new Uint8Array(await back.arrayBuffer())), md5(DATA));
});

test('killed mid-download and the source gone by the restart: the task fails, the image is queued, nothing kept', async () => {
  const { id, next } = await importKilledMidDownload('/gone');
  const { img, tasks } = await settled(next, id);
  assert.equal(img.status, 'queued');
  assert.equal(tasks.length, 1);
  assert.equal(tasks[0].status, 'failure');
  assert.match(tasks[0].message, /404/);
  assert.deepEqual(storedOf(next, id), []);
  assert.deepEqual(stagedOf(next, id), []);
  // Queued again, it can be imported anew.
  assert.equal((await client(next.url).post(`/v2/images/${id}/import`, { method: { name: 'web-download', uri: `${src}/data` } })).status, 202);
  assert.equal((await settled(next, id)).img.status, 'active');
});
