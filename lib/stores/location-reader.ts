// A stored location's bytes as an async iterable, for copying them into
// another store (copy-image). The driver's copyTo pushes chunks into its few
// reused buffers. With `lend` (the consumer copies each chunk before it asks
// for the next: StoreDriver.addCopiesChunks) a chunk is passed on as it is and
// its buffer handed back to the driver when the next is asked for: no copy,
// no garbage (a fresh 1 MiB copy per chunk left up to ~60 MiB of dead buffers
// waiting for a GC during a copy). Otherwise each chunk is copied, as a
// consumer may keep it (lib-storage gathers an S3 part), and at most QUEUED
// wait for the reader. Memory stays bounded either way. Leaving the iteration
// early aborts the read.
import type { ChunkSink, StoreDriver } from './driver';

const QUEUED = 4;

type Done = (err?: Error | null) => void;

export async function* readLocation(store: StoreDriver, location: string, size: number, opts: { lend?: boolean } = {}): AsyncGenerator<Uint8Array> {
  if (size <= 0) return;
  const lend = opts.lend === true;
  const abort = new AbortController();
  const queue: { chunk: Uint8Array; done: Done | null }[] = [];
  let reader: (() => void) | null = null;
  // The copyTo writes waiting for room: a driver may have several in flight (the file store: one per send buffer).
  const paused: Done[] = [];
  let finished = false;
  let failure: unknown = null;
  const wake = () => {
    const r = reader;
    reader = null;
    r?.();
  };
  const sink: ChunkSink = {
    write(chunk, done) {
      if (lend) {
        // The driver bounds how many chunks it has out at once (the file store: one per send buffer).
        queue.push({ chunk, done });
      } else {
        queue.push({ chunk: Buffer.from(chunk), done: null });
        if (queue.length < QUEUED) done();
        else paused.push(done);
      }
      wake();
    },
  };
  const reading = store.copyTo(location, { start: 0, end: size - 1 }, sink, abort.signal).then(
    () => void (finished = true),
    (err: unknown) => void ((failure = err), (finished = true)),
  ).finally(wake);
  let lent: Done | null = null;
  try {
    for (;;) {
      const next = queue.shift();
      if (next) {
        // Room again: every paused write goes on (each holds one of the driver's few buffers, so memory stays bounded).
        if (queue.length < QUEUED) for (const done of paused.splice(0)) done();
        lent = next.done;
        yield next.chunk;
        lent = null;
        next.done?.(); // the consumer asked for more: it is done with that buffer
      } else if (finished) {
        if (failure) throw failure;
        return;
      } else {
        await new Promise<void>((resolve) => (reader = resolve));
      }
    }
  } finally {
    if (!finished) {
      const stopped = new Error('copy stopped');
      abort.abort(stopped);
      lent?.(stopped);
      for (const { done } of queue.splice(0)) done?.(stopped);
      for (const done of paused.splice(0)) done(stopped);
      await reading;
    }
  }
}
