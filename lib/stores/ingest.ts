// The write side of an upload: incoming chunks are gathered into large slots
// of one shared buffer; each full slot is written to the file and hashed by
// both hash workers at the same time. A slot is reused only when its write
// and both hashes are done, so memory stays bounded (SLOTS × SLOT_SIZE per
// upload) and a slow disk or hash slows down the reading of the socket
// instead of piling data up.
//
// An optional observer sees each full slot before it is written (format
// inspection): one call per slot, on the bytes in place, no copy.
//
// Without a file handle it only hashes (an import that moves a staged file
// into place), and takeFrom() reads a file straight into the slots, so an
// import neither allocates nor copies per chunk; takeFromReader() does the
// same for a source that reads into memory it is given (a web-download body).
import type { FileHandle } from 'node:fs/promises';
import { ParallelHasher, type Digests } from './hasher';

/** Looks at the bytes of an upload as they pass (see lib/images/content-check.ts). */
export interface ContentObserver {
  /** The next bytes of the stream, valid only during the call. Must not throw. */
  eat(chunk: Uint8Array): void;
  /** Every byte has been seen: throw to refuse the data. */
  conclude(): void;
}

// 4 × 2 MiB: 8 MiB per upload in flight (and in the pool). 4 MiB slots gave
// the same upload speed for 8 MiB more RSS in every transfer.
const SLOT_SIZE = 2 * 1024 * 1024;
const SLOTS = 4;

// Slot buffers are reused from one upload to the next: a fresh one per upload
// lives until the hash workers' rare garbage collections (README, Benchmark).
const POOL_MAX = 2;
const processGlobals = globalThis as unknown as { glanceSlotPool?: SharedArrayBuffer[] };
const pool = (processGlobals.glanceSlotPool ??= []);

export class IngestPipeline {
  private readonly buffer = pool.pop() ?? new SharedArrayBuffer(SLOT_SIZE * SLOTS);
  private returned = false;
  private readonly bytes = new Uint8Array(this.buffer);
  /** Per slot: how many of {write, hashes} are still using it. */
  private readonly busy = new Array<number>(SLOTS).fill(0);
  private readonly hasher: ParallelHasher;
  private waiter: { slot: number; wake: () => void } | null = null;
  private failure: Error | null = null;
  private readonly inflight = new Set<Promise<void>>();
  private slot = 0;
  private fill = 0;
  private written = 0;
  /** Bytes accepted so far. */
  size = 0;

  /** `fh`: where the bytes are written; null to only hash them. `observer`: sees every byte, in order. */
  constructor(
    private readonly fh: FileHandle | null,
    private readonly observer: ContentObserver | null = null,
  ) {
    this.hasher = new ParallelHasher(this.buffer, (slot) => this.release(slot), (err) => this.fail(err));
  }

  /**
   * Take a chunk. Returns a promise only when the caller must wait (a slot
   * was handed off and the next one is still busy): most chunks are just
   * copied, without the cost of a promise per chunk.
   */
  push(chunk: Uint8Array): Promise<void> | void {
    this.check();
    this.size += chunk.byteLength;
    const room = SLOT_SIZE - this.fill;
    if (chunk.byteLength < room) {
      this.bytes.set(chunk, this.slot * SLOT_SIZE + this.fill);
      this.fill += chunk.byteLength;
      return;
    }
    return this.pushAcross(chunk);
  }

  private async pushAcross(chunk: Uint8Array): Promise<void> {
    let from = 0;
    while (from < chunk.byteLength) {
      const n = Math.min(SLOT_SIZE - this.fill, chunk.byteLength - from);
      this.bytes.set(chunk.subarray(from, from + n), this.slot * SLOT_SIZE + this.fill);
      this.fill += n;
      from += n;
      if (this.fill === SLOT_SIZE) await this.dispatch();
    }
  }

  /** Take `length` bytes of `src` from `position`, read directly into the slots. */
  async takeFrom(src: FileHandle, position: number, length: number): Promise<void> {
    const end = position + length;
    while (position < end) {
      this.check();
      const want = Math.min(SLOT_SIZE - this.fill, end - position);
      const { bytesRead } = await src.read(this.bytes, this.slot * SLOT_SIZE + this.fill, want, position);
      if (bytesRead === 0) throw new Error(`the file ended ${end - position} bytes early`);
      position += bytesRead;
      this.fill += bytesRead;
      this.size += bytesRead;
      if (this.fill === SLOT_SIZE) await this.dispatch();
    }
  }

  /** Take bytes `read` puts straight into the slots, until it gives 0 or `max` bytes are in. */
  async takeFromReader(read: (into: Uint8Array) => Promise<number>, max: number): Promise<void> {
    while (this.size < max) {
      this.check();
      const at = this.slot * SLOT_SIZE + this.fill;
      const n = await read(this.bytes.subarray(at, at + Math.min(SLOT_SIZE - this.fill, max - this.size)));
      if (n === 0) return;
      this.fill += n;
      this.size += n;
      if (this.fill === SLOT_SIZE) await this.dispatch();
    }
  }

  /** Flush the last slot, wait for every write and hash; the digests. */
  async finish(): Promise<Digests> {
    if (this.fill > 0) await this.dispatch();
    for (let s = 0; s < SLOTS; s++) await this.idle(s);
    this.check();
    const digests = await this.hasher.digest();
    this.giveBack();
    return digests;
  }

  /** Stop after a failure: wait for writes in flight (so the file can be closed) and drop the hash job. */
  async abandon(): Promise<void> {
    this.fail(new Error('upload abandoned')); // wakes a push waiting for a slot: it throws instead of hanging
    this.hasher.drop();
    await Promise.all(this.inflight);
    // No write uses the buffer now. A hash worker may still be reading a slot
    // of the dropped job; the next upload writing there only spoils that
    // discarded digest, never its own (its slots are hashed after).
    this.giveBack();
  }

  private giveBack(): void {
    if (this.returned) return;
    this.returned = true;
    if (pool.length < POOL_MAX) pool.push(this.buffer);
  }

  private async dispatch(): Promise<void> {
    const slot = this.slot;
    const offset = slot * SLOT_SIZE;
    const length = this.fill;
    this.busy[slot] = this.fh ? 2 : 1;
    this.observer?.eat(this.bytes.subarray(offset, offset + length));
    this.hasher.update(slot, offset, length);
    if (this.fh) {
      const write = this.writeAll(this.fh, Buffer.from(this.buffer, offset, length), this.written).then(
        () => this.release(slot),
        (err: Error) => this.fail(err),
      );
      this.inflight.add(write);
      void write.finally(() => this.inflight.delete(write));
      this.written += length;
    }
    this.slot = (slot + 1) % SLOTS;
    this.fill = 0;
    await this.idle(this.slot);
  }

  private async writeAll(fh: FileHandle, buf: Buffer, position: number): Promise<void> {
    let done = 0;
    while (done < buf.byteLength) {
      const { bytesWritten } = await fh.write(buf, done, buf.byteLength - done, position + done);
      done += bytesWritten;
    }
  }

  private idle(slot: number): Promise<void> {
    this.check();
    if (this.busy[slot] === 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      this.waiter = { slot, wake: resolve };
    }).then(() => this.check());
  }

  private release(slot: number): void {
    this.busy[slot]--;
    if (this.waiter && (this.failure || this.busy[this.waiter.slot] === 0)) {
      const w = this.waiter;
      this.waiter = null;
      w.wake();
    }
  }

  private fail(err: Error): void {
    this.failure ??= err;
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = null;
      w.wake();
    }
  }

  private check(): void {
    if (this.failure) throw this.failure;
  }
}
