// The response body as an async iterable that pulls from the socket only as
// fast as the consumer asks (Readable's iterator pauses the socket), with an
// idle timeout that counts only time spent waiting for the server, never
// time the consumer spends on a chunk.
import type { IncomingMessage } from 'node:http';
import { WebDownloadError } from './errors';

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
