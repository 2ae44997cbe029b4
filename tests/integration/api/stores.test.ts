// The prioritized filesystem store (seed lab §3): which directory a new image
// goes to, what happens when directories are full, and start-up checks.
// Full directories are real small tmpfs mounts (the suite runs as root).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer, startServerExpectingFailure, removeDir, type TestServer } from '../../helpers/server';
import { client } from '../../helpers/http';
import { curl } from '../../helpers/curl';
import { events, filesIn, md5, putHead, RawRequest, waitForStatus } from '../../helpers/data';

const FULL =
  '<html>\n <head>\n  <title>413 Request Entity Too Large</title>\n </head>\n <body>\n  <h1>413 Request Entity Too Large</h1>\n  Image storage media is full: There is not enough disk space on the image storage media.<br /><br />\n\n\n\n </body>\n</html>';

const mounts: string[] = [];
const cleanup: string[] = [];
let seed: TestServer;
let tight: TestServer;
// tight's directories: priority 200 has 2 MiB, priority 100 has 4 and 8 MiB, priority 0 is the disk.
let p200: string, p100small: string, p100big: string, p0: string;

function tmpfs(dir: string, size: string): string {
  mkdirSync(dir, { recursive: true });
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir]);
  mounts.push(dir);
  return dir;
}

before(async () => {
  seed = await startServer({
    // The seed lab's lines verbatim, with temporary directories.
    storeConfig: (dir) => {
      for (const d of ['images', 'images-1', 'images-2']) mkdirSync(path.join(dir, d));
      return [
        'filesystem_store_datadir=',
        `filesystem_store_datadirs=${path.join(dir, 'images')}`,
        `filesystem_store_datadirs=${path.join(dir, 'images-1')}:200`,
        `filesystem_store_datadirs=${path.join(dir, 'images-2')}:100`,
      ].join('\n');
    },
  });
  tight = await startServer({
    extraConfig: '[DEFAULT]\nimage_size_cap = 1099511627776000\n',
    storeConfig: (dir) => {
      p200 = tmpfs(path.join(dir, 'p200'), '2m');
      p100small = tmpfs(path.join(dir, 'p100-small'), '4m');
      p100big = tmpfs(path.join(dir, 'p100-big'), '8m');
      p0 = path.join(dir, 'p0');
      mkdirSync(p0);
      return [p200 + ':200', p100small + ':100', p100big + ':100', p0].map((d) => `filesystem_store_datadirs = ${d}`).join('\n');
    },
  });
});

after(async () => {
  for (const s of [seed, tight]) await s?.stop();
  for (const m of mounts) execFileSync('umount', [m]);
  for (const s of [seed, tight]) if (s) removeDir(s.dir);
  for (const d of cleanup) removeDir(d);
});

test('seed lab §3: a new image goes to the priority-200 directory, and image_locations says so', async () => {
  const api = client(seed.url);
  const data = randomBytes(200_000);
  const img = await api.createWithData(data, { disk_format: 'raw', container_format: 'bare' });
  const dir = path.join(seed.dir, 'images-1');
  const [loc] = await seed.query<{ value: string }>('SELECT value FROM image_locations WHERE image_id = ?', [img.id]);
  assert.equal(loc.value, `file://${dir}/${img.id}`);
  assert.deepEqual(filesIn(dir), [path.join(dir, img.id)]);
  assert.deepEqual(filesIn(path.join(seed.dir, 'images')), []);
  assert.deepEqual(filesIn(path.join(seed.dir, 'images-2')), []);
  const down = await fetch(`${seed.url}/v2/images/${img.id}/file`);
  assert.equal(md5(Buffer.from(await down.arrayBuffer())), md5(data));
});

test('a directory without room is skipped for the next priority; among equals the one with most free space wins', async () => {
  const api = client(tight.url);
  const data = randomBytes(3 * 1048576); // more than p200's 2 MiB, fits both p100 dirs
  const img = await api.createWithData(data, { disk_format: 'raw', container_format: 'bare' });
  const [loc] = await tight.query<{ value: string }>('SELECT value FROM image_locations WHERE image_id = ?', [img.id]);
  assert.equal(loc.value, `file://${p100big}/${img.id}`);
  assert.deepEqual(filesIn(p200), []);
  assert.deepEqual(filesIn(p100small), []);
  assert.equal((await api.del(`/v2/images/${img.id}`)).status, 204);
  assert.deepEqual(filesIn(p100big), []);
});

test('no directory has room for the Content-Length: 413 before any data is read', async () => {
  const api = client(tight.url);
  const img = await api.create({ disk_format: 'raw', container_format: 'bare' });
  const req = new RawRequest(tight.port, putHead(img.id, { 'Content-Length': String(10 ** 15) }));
  await req.write(randomBytes(1000));
  const res = await req.response();
  await req.close();
  assert.equal(res.status, 413);
  assert.equal(res.body, FULL);
  await waitForStatus(tight, img.id, 'queued');
  assert.deepEqual(filesIn(p200, p100small, p100big, p0), []);
  const failed = (await events(tight, img.id)).filter((e) => e.action === 'upload_failed');
  assert.match(failed[0]?.reason ?? '', /not enough disk space/);
});

test('ENOSPC during the write (chunked, size unknown): 413, no file left, image queued', async () => {
  const api = client(tight.url);
  const img = await api.create({ disk_format: 'raw', container_format: 'bare' });
  const file = path.join(tight.dir, 'three-mib.bin');
  writeFileSync(file, randomBytes(3 * 1048576));
  // Size unknown: the highest priority directory (2 MiB) is chosen, and fills up.
  const r = await curl(['-s', '-i', '-X', 'PUT', '-H', 'Content-Type: application/octet-stream', '-H', 'Transfer-Encoding: chunked',
    '--data-binary', `@${file}`, `${tight.url}/v2/images/${img.id}/file`]);
  assert.equal(r.status, 413);
  assert.equal(r.body, FULL);
  await waitForStatus(tight, img.id, 'queued');
  assert.deepEqual(filesIn(p200, p100small, p100big, p0), []);
  // The space is given back: a small image fits in p200 again.
  const small = randomBytes(1048576);
  assert.equal((await api.put(`/v2/images/${img.id}/file`, small, { 'Content-Type': 'application/octet-stream' })).status, 204);
  const [loc] = await tight.query<{ value: string }>('SELECT value FROM image_locations WHERE image_id = ?', [img.id]);
  assert.equal(loc.value, `file://${p200}/${img.id}`);
});

test('start-up fails with a clear message naming a missing, non-directory or read-only store directory', async () => {
  const base = mkdtempSync(path.join(os.tmpdir(), 'glance-bad-store-'));
  cleanup.push(base);
  const missing = path.join(base, 'no-such-dir');
  const notDir = path.join(base, 'a-file');
  writeFileSync(notDir, 'x');
  const readOnly = path.join(base, 'ro');
  mkdirSync(readOnly);
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m,ro', 'tmpfs', readOnly]);
  mounts.push(readOnly);
  const cases: [string, RegExp][] = [
    [missing, /directory .*no-such-dir does not exist/],
    [notDir, /a-file is not a directory/],
    [readOnly, /directory .*ro is not readable and writable/],
  ];
  for (const [dir, message] of cases) {
    const good = mkdtempSync(path.join(os.tmpdir(), 'glance-good-store-'));
    cleanup.push(good);
    const r = await startServerExpectingFailure({
      storeConfig: () => `filesystem_store_datadirs = ${good}:100\nfilesystem_store_datadirs = ${dir}:50`,
    });
    assert.notEqual(r.code, 0, dir);
    assert.match(r.output, message);
    assert.ok(r.output.includes(dir), `the message names ${dir}`);
  }
});
