// A stored location's bytes as an async iterable, for copying them into
// another store (copy-image). The driver's copyTo pushes chunks; each is
// copied (drivers reuse their buffers once a chunk is acknowledged) and at
// most QUEUED wait for the reader, so memory stays bounded. Leaving the
// iteration early aborts the read.
import type { ChunkSink, StoreDriver } from './driver';

const QUEUED = 4;

export async function* readLocation(store: StoreDriver, location: string, size: number): AsyncGenerator<Uint8Array> {
  if (size <= 0) return;
  const abort = new AbortController();
  const queue: Uint8Array[] = [];
  let reader: (() => void) | null = null;
  // The copyTo write waiting for room (an object: closures assign it).
  const paused: { done: ((err?: Error | null) => void) | null } = { done: null };
  let finished = false;
  let failure: unknown = null;
  const wake = () => {
    const r = reader;
    reader = null;
    r?.();
  };
  const sink: ChunkSink = {
    write(chunk, done) {
      queue.push(Buffer.from(chunk));
      wake();
      if (queue.length < QUEUED) done();
      else paused.done = done;
    },
  };
  const reading = store.copyTo(location, { start: 0, end: size - 1 }, sink, abort.signal).then(
    () => void (finished = true),
    (err: unknown) => void ((failure = err), (finished = true)),
  ).finally(wake);
  try {
    for (;;) {
      const chunk = queue.shift();
      if (chunk) {
        const release = paused.done;
        if (release && queue.length < QUEUED) {
          paused.done = null;
          release();
        }
        yield chunk;
      } else if (finished) {
        if (failure) throw failure;
        return;
      } else {
        await new Promise<void>((resolve) => (reader = resolve));
      }
    }
  } finally {
    if (!finished) {
      abort.abort(new Error('copy stopped'));
      paused.done?.(new Error('copy stopped'));
      await reading;
    }
  }
}
