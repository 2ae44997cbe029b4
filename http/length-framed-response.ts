// The server's response class (Node's documented `ServerResponse` option of
// http.createServer, used by scripts/serve.ts): a body that is complete by the
// time it is first written goes out with its Content-Length, as Glance's and
// Keystone's answers do, instead of chunked. Next drops Content-Length from
// route handler responses (send-response.js) and writes their bodies chunk by
// chunk, so the length can only be known here. Go's net/http frames small
// answers the same way. Bodies still being written on the next turn of the
// event loop (streamed pages, downloads) go out chunked, held back by at most
// that one turn; answers that set Content-Length themselves are untouched.
import { ServerResponse, type IncomingMessage } from 'node:http';

type Callback = (err?: Error | null) => void;

export class LengthFramedResponse<Request extends IncomingMessage = IncomingMessage> extends ServerResponse<Request> {
  /** Chunks written before the headers went out; null once the body streams. */
  private held: Buffer[] | null = [];
  private heldCallbacks: Callback[] = [];
  private release: NodeJS.Immediate | null = null;

  /** Holding only while nothing has been sent and nobody declared the framing. */
  private holding(): boolean {
    if (this.held === null) return false;
    if (this.headersSent || this.hasHeader('content-length') || this.hasHeader('transfer-encoding')) {
      this.streamHeld();
      return false;
    }
    return true;
  }

  private scheduleRelease(): void {
    this.release ??= setImmediate(() => this.streamHeld());
  }

  /** Give up holding: the headers (chunked) and what was held go out now. */
  private streamHeld(): void {
    if (this.release) clearImmediate(this.release);
    this.release = null;
    const held = this.held;
    if (held === null) return;
    this.held = null;
    const callbacks = this.heldCallbacks;
    this.heldCallbacks = [];
    if (this.writableEnded || this.destroyed) return;
    if (held.length === 0) super.flushHeaders();
    else super.write(joined(held), () => callbacks.forEach((cb) => cb()));
  }

  override flushHeaders(): void {
    if (this.holding()) this.scheduleRelease();
    else super.flushHeaders();
  }

  override write(chunk: unknown, encoding?: BufferEncoding | Callback, cb?: Callback): boolean {
    if (!this.holding()) return super.write(chunk, encoding as BufferEncoding, cb as Callback);
    const callback = typeof encoding === 'function' ? encoding : cb;
    this.held!.push(toBuffer(chunk, typeof encoding === 'string' ? encoding : undefined));
    if (callback) this.heldCallbacks.push(callback);
    this.scheduleRelease();
    return true;
  }

  override end(chunk?: unknown, encoding?: BufferEncoding | Callback, cb?: Callback): this {
    if (typeof chunk === 'function') return this.end(undefined, undefined, chunk as Callback);
    if (!this.holding()) return super.end(chunk, encoding as BufferEncoding, cb);
    const callback = typeof encoding === 'function' ? encoding : cb;
    const held = this.held!;
    if (chunk !== undefined && chunk !== null) held.push(toBuffer(chunk, typeof encoding === 'string' ? encoding : undefined));
    const callbacks = this.heldCallbacks;
    this.held = null;
    this.heldCallbacks = [];
    if (this.release) clearImmediate(this.release);
    this.release = null;
    // end() with the whole body before the headers: Node writes its Content-Length.
    return super.end(joined(held), () => {
      callbacks.forEach((held) => held());
      callback?.();
    });
  }
}

/** One held chunk (Next's usual case) is sent as it is, without a copy. */
function joined(chunks: Buffer[]): Buffer {
  return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
}

function toBuffer(chunk: unknown, encoding?: BufferEncoding): Buffer {
  if (Buffer.isBuffer(chunk)) return chunk;
  if (typeof chunk === 'string') return Buffer.from(chunk, encoding);
  const view = chunk as ArrayBufferView;
  return Buffer.from(view.buffer, view.byteOffset, view.byteLength);
}
