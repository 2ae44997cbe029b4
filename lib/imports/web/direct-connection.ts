// A plain-http connection whose response head Node's HTTP client parses as
// usual, but whose 2xx body of known length can then be taken over and read
// straight into the consumer's own memory (net.Socket's onread): no fresh
// 64 KiB Buffer, parser call and stream event per chunk (a third of the CPU
// of receiving through http.IncomingMessage). Any other answer (redirect,
// error, chunked, no length, a head the split below did not find) flows
// through Node's parser unchanged ('pass').
//
// The head is handed to the parser only up to its blank line; the bytes after
// it wait until the parser has said what the answer is.
import net from 'node:net';
import { Duplex } from 'node:stream';

const SCRATCH = 64 * 1024;
const BLANK_LINE = Buffer.from('\r\n\r\n');

type Mode = 'head' | 'wait' | 'pass' | 'direct';

export class DirectConnection extends Duplex {
  private readonly raw: net.Socket;
  private readonly scratch = Buffer.allocUnsafeSlow(SCRATCH);
  private mode: Mode = 'head';
  /** The last bytes given to the parser, to find a blank line split across reads. */
  private tail = Buffer.alloc(0);
  /** Bytes read past what the parser or the consumer has had. */
  private pending: Buffer[] = [];
  /** Where the next read lands (onread asks right after each read): the open request's free part, else the scratch buffer. */
  private armed: Uint8Array = this.scratch;
  private request: { into: Uint8Array; filled: number; whole: boolean; resolve: (n: number) => void; reject: (e: Error) => void } | null = null;
  private eof = false;
  private failure: Error | null = null;
  /** Body bytes received in direct mode (for messages). */
  bodyBytes = 0;
  /** When the last body bytes arrived (the idle timeout counts from there). */
  lastDataAt = 0;

  constructor(opts: net.NetConnectOpts) {
    super({ allowHalfOpen: false });
    this.raw = net.connect({
      ...opts,
      onread: { buffer: () => this.armed, callback: (n: number, buf: Uint8Array) => this.onRead(n, buf) },
    } as net.NetConnectOpts);
    this.raw.on('connect', () => this.emit('connect'));
    this.raw.on('error', (err) => this.destroy(err));
    this.raw.on('end', () => this.onEnd());
    this.raw.on('close', () => {
      if (!this.eof) this.onEnd();
    });
  }

  get connecting(): boolean {
    return this.raw.connecting;
  }

  // What Node's HTTP client may ask of its socket.
  setNoDelay(v?: boolean): this {
    this.raw.setNoDelay(v);
    return this;
  }
  setKeepAlive(enable?: boolean, delay?: number): this {
    this.raw.setKeepAlive(enable, delay);
    return this;
  }
  setTimeout(ms: number, cb?: () => void): this {
    this.raw.setTimeout(ms, cb);
    return this;
  }
  ref(): this {
    this.raw.ref();
    return this;
  }
  unref(): this {
    this.raw.unref();
    return this;
  }

  /** The parser has the answer's head, and it is not a final one (1xx): give it the next head. */
  continueHead(): void {
    if (this.mode !== 'wait') return;
    this.mode = 'head';
    this.tail = Buffer.alloc(0);
    const rest = Buffer.concat(this.pending.splice(0));
    if (rest.length === 0 || this.takeHead(rest)) this.raw.resume();
  }

  /** Was the head split off cleanly (nothing of the body has reached the parser)? */
  get headOnly(): boolean {
    return this.mode === 'wait';
  }

  /** Everything from here on goes through the parser (the answer is not read directly). */
  passThrough(): void {
    if (this.mode === 'pass') return;
    this.mode = 'pass';
    for (const b of this.pending.splice(0)) this.push(b);
    this.raw.resume();
  }

  /** The body is ours: the parser is left waiting (the request is destroyed at the end). */
  takeOver(): void {
    if (this.mode !== 'wait') throw new Error('the head was not split off');
    this.mode = 'direct';
    this.lastDataAt = Date.now();
    for (const b of this.pending) this.bodyBytes += b.length;
  }

  /**
   * Read body bytes into `into`: all of it unless the data ends first
   * (`whole`), or whatever the next read brings. The count; 0 at the end.
   * Between calls the socket is paused; `into` is written only until this resolves.
   */
  readBody(into: Uint8Array, whole: boolean): Promise<number> {
    if (this.mode !== 'direct') return Promise.reject(new Error('not taken over'));
    if (this.request) return Promise.reject(new Error('a read is already waiting'));
    const filled = this.drainPending(into, 0);
    if (this.failure) return Promise.reject(this.failure);
    if (filled === into.length || (filled > 0 && !whole) || this.eof) return Promise.resolve(filled);
    return new Promise<number>((resolve, reject) => {
      this.request = { into, filled, whole, resolve, reject };
      this.raw.resume();
    });
  }

  private drainPending(into: Uint8Array, at: number): number {
    while (this.pending.length && at < into.length) {
      const b = this.pending[0];
      const n = Math.min(b.length, into.length - at);
      into.set(b.subarray(0, n), at);
      at += n;
      if (n === b.length) this.pending.shift();
      else this.pending[0] = b.subarray(n);
    }
    return at;
  }

  /** onread's callback: false pauses the socket. */
  private onRead(n: number, buf: Uint8Array): boolean {
    if (this.mode === 'direct') return this.onBody(n, buf);
    const chunk = Buffer.from(buf.subarray(0, n)); // the scratch buffer is reused
    if (this.mode === 'pass') return this.push(chunk);
    if (this.mode === 'wait') {
      this.pending.push(chunk);
      return false;
    }
    return this.takeHead(chunk);
  }

  /** Head mode: give the parser bytes up to the end of the head; keep the rest and pause there. */
  private takeHead(chunk: Buffer): boolean {
    const seen = Buffer.concat([this.tail, chunk]);
    const at = seen.indexOf(BLANK_LINE);
    if (at < 0) {
      this.tail = seen.subarray(Math.max(0, seen.length - 3));
      return this.push(chunk);
    }
    const end = at + BLANK_LINE.length - this.tail.length;
    this.mode = 'wait';
    if (end < chunk.length) this.pending.push(chunk.subarray(end));
    this.push(chunk.subarray(0, end));
    return false;
  }

  private onBody(n: number, buf: Uint8Array): boolean {
    this.bodyBytes += n;
    this.lastDataAt = Date.now();
    const r = this.request;
    if (!r) {
      this.pending.push(Buffer.from(buf.subarray(0, n)));
      this.armed = this.scratch;
      return false;
    }
    if (buf === this.armed && this.armed !== this.scratch) r.filled += n;
    else {
      // Landed in the scratch buffer (the first read after a pause): copied, any excess kept.
      const take = Math.min(n, r.into.length - r.filled);
      r.into.set(buf.subarray(0, take), r.filled);
      r.filled += take;
      if (take < n) this.pending.push(Buffer.from(buf.subarray(take, n)));
    }
    if (r.filled < r.into.length && r.whole) {
      this.armed = r.into.subarray(r.filled);
      return true;
    }
    this.request = null;
    this.armed = this.scratch;
    r.resolve(r.filled);
    return false;
  }

  private onEnd(): void {
    if (this.eof) return;
    this.eof = true;
    if (this.mode !== 'direct') {
      this.push(null);
      return;
    }
    const r = this.request;
    this.request = null;
    r?.resolve(r.filled);
  }

  _read(): void {
    if (this.mode === 'head' || this.mode === 'pass') this.raw.resume();
  }

  _write(chunk: Buffer, encoding: BufferEncoding, cb: (err?: Error | null) => void): void {
    this.raw.write(chunk, encoding, cb);
  }

  _final(cb: (err?: Error | null) => void): void {
    this.raw.end(cb);
  }

  _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    this.failure ??= err ?? new Error('connection closed');
    const r = this.request;
    this.request = null;
    r?.reject(this.failure);
    this.raw.destroy();
    cb(err);
  }
}
