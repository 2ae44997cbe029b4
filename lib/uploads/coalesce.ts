// A tus PATCH body regrouped into 1 MiB pieces before @tus/server sees it.
// The socket delivers an upload in ≤64 KiB chunks, and each chunk paid for
// every hop behind it (web → Node stream, tus's proxy and limiter, the hashing
// feed, FileStore's counter, one write(2) per chunk): the main thread spent
// ~2.5× the CPU of PUT /file on the same bytes (README, bench:browser). One
// copy into a piece costs less than those hops 16 times over. A piece the
// staging store has written comes back (recycle) to be filled again: a fresh
// 1 MiB buffer per piece would add to the GC work socket buffers already cause.
import type { Readable } from 'node:stream';

const PIECE = 1024 * 1024;
const POOL_MAX = 4;

// On globalThis: the route and the staging store may come from different bundles.
const processGlobals = globalThis as unknown as { glancePieces?: { pool: Buffer[]; lent: WeakSet<Uint8Array> } };
const pieces = (processGlobals.glancePieces ??= { pool: [], lent: new WeakSet() });

function takePiece(): Buffer {
  const piece = pieces.pool.pop() ?? Buffer.allocUnsafeSlow(PIECE);
  pieces.lent.add(piece);
  return piece;
}

/**
 * `chunk` is done with (hashed, written): if it is a piece from here, it may
 * be filled again. Only for a chunk nothing else holds any longer.
 */
export function recycle(chunk: Uint8Array): void {
  if (!pieces.lent.delete(chunk)) return;
  if (pieces.pool.length < POOL_MAX) pieces.pool.push(chunk as Buffer);
}

/**
 * The bytes of `body` (Node's request), in order, as a web stream of
 * PIECE-byte pieces (the last one shorter). Read with 'data' events, each
 * chunk copied at once: no promise per chunk (Chromium sends 16 KiB writes,
 * so a browser's PATCH arrives in more, smaller chunks than curl's upload).
 * At most one piece waits for tus; past it the request is paused. A body cut
 * short (the client paused, reloaded or went away) ends with the bytes that
 * did arrive instead of an error: an error would drop the piece being
 * gathered, and tus keeps whatever a PATCH brought (the client asks for the
 * offset before it goes on).
 */
export function coalesced(body: Readable): ReadableStream<Uint8Array> {
  let piece: Buffer | null = null;
  let fill = 0;
  let done = false;
  let stop = () => {};
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        const onData = (chunk: Buffer) => {
          for (let from = 0; from < chunk.byteLength; ) {
            piece ??= takePiece();
            const n = Math.min(PIECE - fill, chunk.byteLength - from);
            piece.set(chunk.subarray(from, from + n), fill);
            fill += n;
            from += n;
            if (fill === PIECE) {
              controller.enqueue(piece);
              piece = null;
              fill = 0;
            }
          }
          if ((controller.desiredSize ?? 0) <= 0) body.pause();
        };
        const finish = () => {
          if (done) return;
          stop();
          if (piece && fill > 0) controller.enqueue(piece.subarray(0, fill));
          piece = null;
          controller.close();
        };
        stop = () => {
          done = true;
          body.off('data', onData).off('end', finish).off('close', finish);
        };
        // 'error' stays heard (finish does nothing twice): an unheard one would throw.
        body.on('data', onData).on('end', finish).on('error', finish).on('close', finish);
      },
      pull() {
        if (!done) body.resume();
      },
      cancel() {
        stop();
        body.resume(); // the rest of the body is drained, never read
      },
    },
    { highWaterMark: 1 },
  );
}
