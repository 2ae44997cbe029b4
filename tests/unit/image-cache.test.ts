// The image cache on a real directory, without a server: a fill is kept only
// when its size and md5 are the image's; LRU pruning; a restart drops what a
// fill left half-written and records without files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ImageCache } from '../../lib/cache/cache';
import { CacheFill } from '../../lib/cache/fill';

const md5 = (b: Uint8Array) => createHash('md5').update(b).digest('hex');

function withCache(maxSize: number, run: (cache: ImageCache, dir: string) => Promise<void>) {
  return async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'glance-cache-'));
    try {
      await run(new ImageCache({ dir, maxSize, stallTime: 86400, prefetcherInterval: 300 }), dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

async function fill(cache: ImageCache, id: string, data: Buffer, expected = { size: data.length, checksum: md5(data) }) {
  const f = await CacheFill.begin(cache, id);
  assert.ok(f);
  for (let at = 0; at < data.length; at += 65536) await f.write(data.subarray(at, at + 65536));
  return f.commit(expected);
}

test('a verified fill is kept and listed; a wrong checksum or size is discarded with its incomplete file', withCache(1 << 30, async (cache, dir) => {
  const good = randomUUID();
  const data = randomBytes(300_000);
  assert.equal(await fill(cache, good, data), true);
  assert.ok(readFileSync(cache.pathOf(good)).equals(data));
  assert.deepEqual(cache.cached().map((e) => [e.image_id, e.hits, e.size]), [[good, 0, data.length]]);

  const bad = randomUUID();
  assert.equal(await fill(cache, bad, data, { size: data.length, checksum: md5(randomBytes(10)) }), false);
  assert.equal(await fill(cache, bad, data, { size: data.length + 1, checksum: md5(data) }), false);
  assert.ok(!existsSync(cache.pathOf(bad)));
  assert.deepEqual(readdirSync(path.join(dir, 'incomplete')), []);
  assert.deepEqual(cache.cached().map((e) => e.image_id), [good]);
  assert.equal(await CacheFill.begin(cache, good), null, 'a cached image is not filled again');
}));

test('one fill per image at a time; an aborted fill leaves nothing', withCache(1 << 30, async (cache, dir) => {
  const id = randomUUID();
  const first = await CacheFill.begin(cache, id);
  assert.ok(first);
  assert.equal(await CacheFill.begin(cache, id), null);
  await first.write(randomBytes(1000));
  await first.abort();
  assert.deepEqual(readdirSync(path.join(dir, 'incomplete')), []);
  assert.deepEqual(cache.cached(), []);
  const second = await CacheFill.begin(cache, id);
  assert.ok(second, 'free to fill again');
  await second.abort();
}));

test('prune removes the least recently accessed first, down to max size', withCache(250_000, async (cache) => {
  const [a, b, c] = [randomUUID(), randomUUID(), randomUUID()];
  await fill(cache, a, randomBytes(100_000));
  await fill(cache, b, randomBytes(100_000));
  await new Promise((r) => setTimeout(r, 5));
  cache.hit(a);
  await fill(cache, c, randomBytes(100_000));
  assert.deepEqual(cache.cached().map((e) => e.image_id).sort(), [a, c].sort());
  assert.ok(!existsSync(cache.pathOf(b)));
}));

test('a restart keeps verified entries and hits, drops half-written fills and files without a record', withCache(1 << 30, async (cache, dir) => {
  const kept = randomUUID();
  await fill(cache, kept, randomBytes(1000));
  cache.hit(kept);
  await cache.queue(randomUUID());
  writeFileSync(path.join(dir, 'incomplete', randomUUID()), 'half');
  writeFileSync(path.join(dir, randomUUID()), 'stray');
  await new Promise((r) => setTimeout(r, 50)); // the hit's record is written
  const again = new ImageCache({ dir, maxSize: 1 << 30, stallTime: 86400, prefetcherInterval: 300 });
  assert.deepEqual(again.cached().map((e) => [e.image_id, e.hits]), [[kept, 1]]);
  assert.deepEqual(readdirSync(path.join(dir, 'incomplete')), []);
  assert.deepEqual(readdirSync(dir).sort(), ['cache.json', 'incomplete', kept, 'queue'].sort());
  assert.equal((await again.queued()).length, 1);
}));
