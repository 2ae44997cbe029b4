// readLocation over a real filesystem store: the bytes of a stored file,
// intact even when the reader keeps every chunk (the store reuses its read
// buffers) or slower than the store, a reader that stops early ends the read, a missing file fails;
// lent (`lend`: a reader that copies each chunk before asking for the next) it gets the store's own buffers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import { FilesystemStore } from '../../lib/stores/filesystem';
import { readLocation } from '../../lib/stores/location-reader';

function storeWithFile(size: number) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'glance-reader-'));
  const store = new FilesystemStore({ id: 'fast', type: 'file', description: null, weight: 0, section: 'fast', file: { dirs: [{ path: dir, priority: 0 }] } });
  const data = randomBytes(size);
  const file = path.join(dir, randomUUID());
  writeFileSync(file, data);
  return { store, data, location: `file://${file}`, done: () => rmSync(dir, { recursive: true, force: true }) };
}

test('every byte, in chunks the reader may keep', async () => {
  const { store, data, location, done } = storeWithFile(7 * 1048576 + 5);
  try {
    const kept: Uint8Array[] = [];
    for await (const chunk of readLocation(store, location, data.length)) kept.push(chunk);
    assert.ok(kept.length > 3, 'more chunks than the store has read buffers');
    assert.ok(Buffer.concat(kept).equals(data));
  } finally {
    done();
  }
});

test('a reader slower than the store gets every byte: writes the store has in flight while the queue is full all go on', async () => {
  // The store keeps one write in flight per read buffer; a slow reader (hashing, as copy-image) must not lose one of them.
  const { store, data, location, done } = storeWithFile(24 * 1048576 + 3);
  try {
    const seen: Uint8Array[] = [];
    const read = (async () => {
      for await (const chunk of readLocation(store, location, data.length)) {
        seen.push(chunk);
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    const stuck = new Promise((_, reject) => setTimeout(() => reject(new Error(`stuck after ${seen.length} chunks`)), 20_000).unref());
    await Promise.race([read, stuck]);
    assert.ok(Buffer.concat(seen).equals(data));
  } finally {
    done();
  }
});

test('lent chunks are the store\'s reused buffers, intact while the reader holds them; a slow or early-stopping reader too', async () => {
  const { store, data, location, done } = storeWithFile(11 * 1048576 + 7);
  try {
    const copies: Buffer[] = [];
    const buffers = new Set<ArrayBufferLike>();
    for await (const chunk of readLocation(store, location, data.length, { lend: true })) {
      buffers.add(chunk.buffer);
      await new Promise((r) => setTimeout(r, 2)); // the store must not refill this chunk meanwhile
      copies.push(Buffer.from(chunk));
    }
    assert.ok(Buffer.concat(copies).equals(data));
    assert.ok(copies.length > 6 && buffers.size <= 3, `${copies.length} chunks in ${buffers.size} buffers: reused, not copied`);
    let got = 0;
    for await (const chunk of readLocation(store, location, data.length, { lend: true })) {
      got += chunk.byteLength;
      if (got >= 2 * 1048576) break;
    }
    assert.equal(got, 2 * 1048576);
  } finally {
    done();
  }
});

test('a reader that stops early ends the read; an empty image reads nothing', async () => {
  const { store, data, location, done } = storeWithFile(9 * 1048576);
  try {
    let got = 0;
    for await (const chunk of readLocation(store, location, data.length)) {
      got += chunk.byteLength;
      if (got >= 1048576) break;
    }
    assert.equal(got, 1048576);
    const none: Uint8Array[] = [];
    for await (const chunk of readLocation(store, location, 0)) none.push(chunk);
    assert.deepEqual(none, []);
  } finally {
    done();
  }
});

test('a missing file or a short one is an error', async () => {
  const { store, data, location, done } = storeWithFile(1000);
  try {
    await assert.rejects(async () => {
      for await (const _ of readLocation(store, location, data.length + 10)) void _;
    }, /ends before byte/);
    rmSync(location.slice('file://'.length));
    await assert.rejects(async () => {
      for await (const _ of readLocation(store, location, data.length)) void _;
    }, { code: 'ENOENT' });
  } finally {
    done();
  }
});
