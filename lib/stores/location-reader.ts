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
  // The copyTo writes waiting for room: a driver may have several in flight (the file store: one per send buffer).
  const paused: ((err?: Error | null) => void)[] = [];
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
      else paused.push(done);
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
        // Room again: every paused write goes on (each holds one of the driver's few buffers, so memory stays bounded).
        if (queue.length < QUEUED) for (const done of paused.splice(0)) done();
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
      for (const done of paused.splice(0)) done(new Error('copy stopped'));
      await reading;
    }
  }
}
