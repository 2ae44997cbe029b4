// A tus PATCH body regrouped into 1 MiB pieces: the same bytes in order, and a
// body cut short still hands on every byte that arrived (tus keeps them).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { PassThrough, Readable } from 'node:stream';
import { coalesced } from '../../lib/uploads/coalesce';

const MiB = 1024 * 1024;

/** A request body: `data` in chunks of `size` bytes; after `failAfter` chunks it fails (a dropped connection). */
function source(data: Buffer, size: number, failAfter = Infinity): Readable {
  return Readable.from(
    (async function* () {
      for (let at = 0, sent = 0; at < data.length; at += size, sent++) {
        if (sent === failAfter) throw new Error('client went away');
        yield data.subarray(at, at + size);
      }
    })(),
  );
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

test('a chunk larger than a piece is cut into pieces; small ones after it are gathered again', async () => {
  const data = randomBytes(2 * MiB + 100);
  const big = data.subarray(0, 2 * MiB);
  const body = [big, data.subarray(2 * MiB, 2 * MiB + 50), data.subarray(2 * MiB + 50)];
  const pieces = await readAll(coalesced(Readable.from(body)));
  assert.deepEqual(pieces.map((p) => p.byteLength), [MiB, MiB, 100]);
  assert.ok(Buffer.concat(pieces).equals(data));
});

test('a body cut short ends with every byte that arrived, the half-gathered piece included, and no error', async () => {
  const data = randomBytes(4 * MiB);
  // 20 chunks of 64 KiB = 1.25 MiB arrive, then the connection drops.
  const pieces = await readAll(coalesced(source(data, 65_536, 20)));
  assert.deepEqual(pieces.map((p) => p.byteLength), [MiB, MiB / 4]);
  assert.ok(Buffer.concat(pieces).equals(data.subarray(0, 20 * 65_536)));
});

test('while tus reads nothing, one piece waits and the request is paused (memory stays bounded)', async () => {
  const body = new PassThrough();
  const data = randomBytes(40 * 65_536);
  const stream = coalesced(body);
  for (let i = 0; i < 40; i++) body.write(data.subarray(i * 65_536, (i + 1) * 65_536));
  await new Promise((resolve) => setImmediate(resolve));
  assert.ok(body.isPaused(), 'the request is paused once a whole piece waits');
  body.end();
  const pieces = await readAll(stream);
  assert.ok(Buffer.concat(pieces).equals(data), 'every byte arrives once reading starts');
});
