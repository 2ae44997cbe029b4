// The staging area's tus store on a real directory: an upload written in
// order is hashed as it arrives (its sums recorded beside it); only two open
// uploads are hashed at once, so opening many cannot pin hashing buffers; the
// others are staged whole and unhashed (their import hashes them).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { HashingFileStore } from '../../lib/uploads/hashing-store';
import { sumsPathOf } from '../../lib/uploads/staged-sums';

const md5 = (b: Uint8Array) => createHash('md5').update(b).digest('hex');

test('at most two open uploads are hashed; every upload is staged whole', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'glance-hashing-store-'));
  const store = new HashingFileStore({ directory: dir });
  try {
    const uploads = [0, 1, 2].map(() => ({ id: randomUUID(), data: randomBytes(300_000) }));
    for (const u of uploads) {
      await store.create({ id: u.id, size: u.data.length, offset: 0, metadata: {}, creation_date: new Date().toISOString() } as never);
    }
    // All three open at once: the first half of each, then the rest.
    for (const u of uploads) assert.equal(await store.write(Readable.from([u.data.subarray(0, 100_000)]), u.id, 0), 100_000);
    for (const u of uploads) assert.equal(await store.write(Readable.from([u.data.subarray(100_000)]), u.id, 100_000), u.data.length);

    for (const u of uploads) assert.ok(readFileSync(path.join(dir, u.id)).equals(u.data), 'the staged bytes are the upload');
    const hashed = uploads.filter((u) => existsSync(sumsPathOf(path.join(dir, u.id))));
    assert.deepEqual(hashed.map((u) => u.id), uploads.slice(0, 2).map((u) => u.id), 'the first two were hashed, the third not');
    for (const u of hashed) {
      const sums = JSON.parse(readFileSync(sumsPathOf(path.join(dir, u.id)), 'utf8'));
      assert.equal(sums.digests.checksum, md5(u.data));
      assert.equal(sums.size, u.data.length);
    }

    // Once those are done their places are free again.
    const next = { id: randomUUID(), data: randomBytes(50_000) };
    await store.create({ id: next.id, size: next.data.length, offset: 0, metadata: {}, creation_date: new Date().toISOString() } as never);
    await store.write(Readable.from([next.data]), next.id, 0);
    assert.ok(existsSync(sumsPathOf(path.join(dir, next.id))));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
