// A tus PATCH body regrouped into 1 MiB pieces: the same bytes in order, and a
// body cut short still hands on every byte that arrived (tus keeps them).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { coalesced } from '../../lib/uploads/coalesce';

const MiB = 1024 * 1024;

/** A request body: `data` in chunks of `size` bytes; after `failAfter` chunks it fails (a dropped connection). */
async function* source(data: Buffer, size: number, failAfter = Infinity): AsyncIterable<Uint8Array> {
  for (let at = 0, sent = 0; at < data.length; at += size, sent++) {
    if (sent === failAfter) throw new Error('client went away');
    yield data.subarray(at, at + size);
  }
}

async function readAll(stream: ReadableStream<Uint8Array>): Promise<Uint8Array[]> {
  const pieces: Uint8Array[] = [];
  for await (const piece of stream as unknown as AsyncIterable<Uint8Array>) pieces.push(piece);
  return pieces;
}

test('socket-sized chunks come out as 1 MiB pieces, the same bytes in order', async () => {
  const data = randomBytes(3 * MiB + 12_345);
  const pieces = await readAll(coalesced(source(data, 65_536 - 7)));
  assert.deepEqual(pieces.map((p) => p.byteLength), [MiB, MiB, MiB, 12_345]);
  assert.ok(Buffer.concat(pieces).equals(data));
});

test('a chunk larger than a piece passes as it is; small ones after it are gathered again', async () => {
  const data = randomBytes(2 * MiB + 100);
  const big = data.subarray(0, 2 * MiB);
  const body = [big, data.subarray(2 * MiB, 2 * MiB + 50), data.subarray(2 * MiB + 50)];
  const pieces = await readAll(coalesced((async function* () {
    yield* body;
  })()));
  assert.deepEqual(pieces.map((p) => p.byteLength), [2 * MiB, 100]);
  assert.ok(Buffer.concat(pieces).equals(data));
});

test('a body cut short ends with every byte that arrived, the half-gathered piece included, and no error', async () => {
  const data = randomBytes(4 * MiB);
  // 20 chunks of 64 KiB = 1.25 MiB arrive, then the connection drops.
  const pieces = await readAll(coalesced(source(data, 65_536, 20)));
  assert.deepEqual(pieces.map((p) => p.byteLength), [MiB, MiB / 4]);
  assert.ok(Buffer.concat(pieces).equals(data.subarray(0, 20 * 65_536)));
});
