// The response body as an async iterable that pulls from the socket only as
// fast as the consumer asks (Readable's iterator pauses the socket), with an
// idle timeout that counts only time spent waiting for the server, never
// time the consumer spends on a chunk. A body taken over from a
// DirectConnection is read without the parser (directBody).
import type { IncomingMessage } from 'node:http';
import { WebDownloadError } from './errors';
import type { DirectConnection } from './direct-connection';
import type { ImageBytes } from '@/lib/stores/driver';

export interface BodyOptions {
  contentLength: number | null;
  idleTimeoutMs: number;
  signal?: AbortSignal;
  uri: string;
  /** Who fetches, for messages (default web-download). */
  label?: string;
}

/** Cancelling the signal closes the connection at once, whether or not the body is being read. */
export function responseBody(res: IncomingMessage, o: BodyOptions): AsyncIterable<Uint8Array> {
  const onAbort = () => res.destroy(new WebDownloadError('aborted', `${o.label ?? 'web-download'} of ${o.uri} was cancelled`));
  if (o.signal?.aborted) onAbort();
  o.signal?.addEventListener('abort', onAbort, { once: true });
  res.once('close', () => o.signal?.removeEventListener('abort', onAbort));
  return { [Symbol.asyncIterator]: () => pull(res, o) };
}

async function* pull(res: IncomingMessage, o: BodyOptions): AsyncGenerator<Uint8Array> {
  const chunks = res[Symbol.asyncIterator]();
  let received = 0;
  // One timer for the whole body (not one per 64 KiB chunk): when it fires it
  // checks how long the current wait for the server has lasted, and waits on.
  let waitingSince = 0; // 0: the consumer has the chunk
  let timer: NodeJS.Timeout | null = null;
  const check = () => {
    const waited = waitingSince ? Date.now() - waitingSince : 0;
    if (waited >= o.idleTimeoutMs) {
      res.destroy(new WebDownloadError('timeout', `${o.label ?? 'web-download'} of ${o.uri}: no data for ${o.idleTimeoutMs / 1000} s after ${received} bytes`));
    } else timer = setTimeout(check, o.idleTimeoutMs - waited);
  };
  try {
    timer = setTimeout(check, o.idleTimeoutMs);
    for (;;) {
      let next: IteratorResult<Buffer>;
      waitingSince = Date.now();
      try {
        next = await chunks.next();
      } catch (err) {
        if (err instanceof WebDownloadError) throw err;
        throw new WebDownloadError('truncated', `${o.label ?? 'web-download'} of ${o.uri}: the connection closed after ${received}${o.contentLength === null ? '' : ` of ${o.contentLength}`} bytes`);
      } finally {
        waitingSince = 0;
      }
      if (next.done) break;
      received += next.value.length;
      yield next.value;
    }
    if (o.contentLength !== null && received !== o.contentLength) {
      throw new WebDownloadError('truncated', `${o.label ?? 'web-download'} of ${o.uri}: received ${received} bytes, Content-Length said ${o.contentLength}`);
    }
  } finally {
    if (timer) clearTimeout(timer);
    // Early exit (consumer stopped, error): close the connection rather than drain it.
    if (!res.destroyed) res.destroy();
  }
}

/** Chunks of a taken-over body read by iteration (a consumer that keeps them, e.g. S3's parts): fresh buffers of at most this. */
const CHUNK = 256 * 1024;

/**
 * A 2xx body of known length taken over from its DirectConnection: a store
 * reads it straight into its own buffers (fill), any other consumer chunk by
 * chunk. The same idle timeout, cancelling and short-body failures as
 * responseBody(); the connection is closed at the end, on failure or close().
 */
export function directBody(conn: DirectConnection, res: IncomingMessage, o: BodyOptions & { contentLength: number }): ImageBytes {
  res.on('error', () => {}); // the parser, left waiting for the body, sees the connection close
  const label = o.label ?? 'web-download';
  const onAbort = () => conn.destroy(new WebDownloadError('aborted', `${label} of ${o.uri} was cancelled`));
  if (o.signal?.aborted) onAbort();
  o.signal?.addEventListener('abort', onAbort, { once: true });
  let received = 0;
  let waitingSince = 0; // 0: the consumer has the bytes
  let timer: NodeJS.Timeout | null = null;
  // One timer, started at the first read: waits count from the later of the read's start and the last bytes.
  const check = () => {
    const waited = waitingSince ? Date.now() - Math.max(waitingSince, conn.lastDataAt) : 0;
    if (waited >= o.idleTimeoutMs) {
      conn.destroy(new WebDownloadError('timeout', `${label} of ${o.uri}: no data for ${o.idleTimeoutMs / 1000} s after ${conn.bodyBytes} bytes`));
    } else timer = setTimeout(check, o.idleTimeoutMs - waited);
  };
  const close = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    o.signal?.removeEventListener('abort', onAbort);
    if (!conn.destroyed) conn.destroy();
  };
  const truncated = () =>
    new WebDownloadError('truncated', `${label} of ${o.uri}: the connection closed after ${conn.bodyBytes} of ${o.contentLength} bytes`);
  const read = async (into: Uint8Array, whole: boolean): Promise<number> => {
    const want = Math.min(into.length, o.contentLength - received);
    if (want === 0 && into.length > 0) {
      close();
      return 0;
    }
    timer ??= setTimeout(check, o.idleTimeoutMs);
    waitingSince = Date.now();
    let n: number;
    try {
      n = await conn.readBody(into.subarray(0, want), whole);
    } catch (err) {
      close();
      throw err instanceof WebDownloadError ? err : truncated();
    } finally {
      waitingSince = 0;
    }
    if (n === 0) {
      close();
      throw truncated();
    }
    received += n;
    return n;
  };
  return {
    fill: (into) => read(into, true),
    close,
    async *[Symbol.asyncIterator]() {
      try {
        for (;;) {
          const buf = Buffer.allocUnsafe(CHUNK);
          const n = await read(buf, false);
          if (n === 0) return;
          yield buf.subarray(0, n);
        }
      } finally {
        close();
      }
    },
  };
}
