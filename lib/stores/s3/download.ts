// A byte range of an object, streamed from S3 to a ChunkSink. Reading from
// S3 pauses while more than IN_FLIGHT bytes are handed to the sink and not
// yet written, so a slow client slows the S3 transfer instead of filling
// memory. An abort (client hang-up) destroys the S3 response at once: its
// connection is not left open.
import type { Readable } from 'node:stream';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { ChunkSink } from '../driver';

const IN_FLIGHT = 4 * 1024 * 1024;

export async function copyRange(
  client: S3Client,
  object: { bucket: string; key: string },
  range: { start: number; end: number },
  sink: ChunkSink,
  signal: AbortSignal,
): Promise<void> {
  signal.throwIfAborted();
  const out = await client.send(
    new GetObjectCommand({ Bucket: object.bucket, Key: object.key, Range: `bytes=${range.start}-${range.end}` }),
    { abortSignal: signal },
  );
  const body = out.Body as Readable;
  const flow = new SinkFlow(sink);
  const stop = () => {
    const reason = signal.reason ?? new Error('aborted');
    body.destroy(reason);
    flow.fail(reason);
  };
  signal.addEventListener('abort', stop, { once: true });
  try {
    let received = 0;
    for await (const chunk of body as AsyncIterable<Buffer>) {
      received += chunk.byteLength;
      await flow.write(chunk);
    }
    const want = range.end - range.start + 1;
    if (received !== want) throw new Error(`S3 sent ${received} of ${want} bytes`);
    await flow.drained();
  } catch (err) {
    throw signal.aborted ? (signal.reason ?? err) : err;
  } finally {
    signal.removeEventListener('abort', stop);
    body.destroy();
  }
}

/** Counts bytes handed to the sink and not yet done; write() waits above IN_FLIGHT, drained() for zero. */
class SinkFlow {
  private pending = 0;
  private failure: unknown = null;
  private waiter: { limit: number; wake: () => void } | null = null;

  constructor(private readonly sink: ChunkSink) {}

  write(chunk: Buffer): Promise<void> | void {
    if (this.failure) throw this.failure;
    this.pending += chunk.byteLength;
    this.sink.write(chunk, (err) => {
      this.pending -= chunk.byteLength;
      if (err) this.fail(err);
      else this.check();
    });
    if (this.pending > IN_FLIGHT) return this.until(IN_FLIGHT / 2);
  }

  drained(): Promise<void> | void {
    if (this.failure) throw this.failure;
    if (this.pending > 0) return this.until(0);
  }

  fail(err: unknown): void {
    this.failure ??= err;
    this.check();
  }

  private until(limit: number): Promise<void> {
    return new Promise<void>((wake) => {
      this.waiter = { limit, wake };
      this.check();
    }).then(() => {
      if (this.failure) throw this.failure;
    });
  }

  private check(): void {
    const w = this.waiter;
    if (w && (this.failure || this.pending <= w.limit)) {
      this.waiter = null;
      w.wake();
    }
  }
}
