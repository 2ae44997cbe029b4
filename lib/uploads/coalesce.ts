// A tus PATCH body regrouped into 1 MiB pieces before @tus/server sees it.
// The socket delivers an upload in ≤64 KiB chunks, and each chunk paid for
// every hop behind it (web → Node stream, tus's proxy and limiter, the hashing
// feed, FileStore's counter, one write(2) per chunk): the main thread spent
// ~2.5× the CPU of PUT /file on the same bytes (README, bench:browser). One
// copy into a piece costs less than those hops 16 times over.
const PIECE = 1024 * 1024;

/**
 * The bytes of `body`, in order, in pieces of PIECE bytes (the last one
 * shorter). A body cut short (the client paused, reloaded or went away) ends
 * with the bytes that did arrive instead of an error: an error would drop the
 * piece being gathered, and tus keeps whatever a PATCH brought (the client
 * asks for the offset before it goes on).
 */
export function coalesced(body: ReadableStream<Uint8Array>): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        let piece: Buffer | null = null;
        let fill = 0;
        for (;;) {
          let next: ReadableStreamReadResult<Uint8Array>;
          try {
            next = await reader.read();
          } catch {
            next = { done: true, value: undefined };
          }
          if (next.done) {
            if (piece && fill > 0) controller.enqueue(piece.subarray(0, fill));
            controller.close();
            return;
          }
          const chunk = next.value;
          // A large chunk with nothing gathered yet goes on as it is.
          if (!piece && chunk.byteLength >= PIECE) return controller.enqueue(chunk);
          piece ??= Buffer.allocUnsafeSlow(PIECE);
          let from = 0;
          while (from < chunk.byteLength) {
            const n = Math.min(PIECE - fill, chunk.byteLength - from);
            piece.set(chunk.subarray(from, from + n), fill);
            fill += n;
            from += n;
            if (fill === PIECE) {
              controller.enqueue(piece);
              if (from === chunk.byteLength) return;
              piece = Buffer.allocUnsafeSlow(PIECE);
              fill = 0;
            }
          }
        }
      },
      cancel(reason) {
        return reader.cancel(reason);
      },
    },
    // Nothing gathered ahead: one piece at a time, when tus asks for it.
    { highWaterMark: 0 },
  );
}
