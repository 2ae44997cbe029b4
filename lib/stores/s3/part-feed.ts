// The body lib-storage's Upload reads, shaped so that an upload allocates no
// garbage per byte. Upload's chunker (getChunkStream in @aws-sdk/lib-storage
// 3.1175.0) keeps the data it is handed in a list and, once the list holds
// more than a part, Buffer.concat()s it into a new buffer and sends the part
// from that. Fed the request's 64 KiB socket chunks, those chunks waited in
// the list long enough to be promoted and, with the concatenated parts, were
// garbage until V8's next full marking: ~60-90 MiB of RSS per upload.
//
// So the incoming chunks are copied into one part-size staging buffer and
// dropped at once (they die young), and the chunker is handed exactly
// partSize bytes at a time after one first byte of its own: each datum then
// completes a part on arrival (1 byte left over + partSize > partSize), is
// concatenated at once, and the staging buffer is free again as soon as that
// part reaches send() (or the chunker asks for more). Pulled, not pushed:
// Upload reads the `stream()` of a Blob-like object, so the next datum is
// handed out only when a part sender is free, and writers wait meanwhile.

/** What lib-storage's getDataReadableStream uses of a ReadableStream reader. */
interface Reader {
  read(): Promise<{ done: boolean; value?: Uint8Array }>;
  releaseLock(): void;
}

type Read = { resolve: (r: { done: boolean; value?: Uint8Array }) => void; reject: (err: unknown) => void };

export class PartFeed {
  private readonly staging: Buffer;
  private fill = 0;
  /** The first byte, handed out alone (see above); null until it arrives. */
  private head: Buffer | null = null;
  private headGiven = false;
  /** Parts whose datum was handed out: the staging buffer is lent while lent > consumed. */
  private lent = 0;
  private consumed = 0;
  private ended = false;
  private failure: unknown = null;
  private pendingRead: Read | null = null;
  private wake: (() => void) | null = null;

  constructor(private readonly partSize: number) {
    this.staging = Buffer.allocUnsafe(partSize);
  }

  /** For lib-storage's getChunk(): `typeof data.stream === 'function'` takes the ReadableStream path. */
  stream(): { getReader(): Reader } {
    const reader: Reader = { read: () => this.read(), releaseLock: () => {} };
    return { getReader: () => reader };
  }

  /** True when `buffer` is the staging buffer (a part body must never be: the chunker copies). */
  isStaging(buffer: ArrayBufferLike): boolean {
    return buffer === this.staging.buffer;
  }

  /** Part `n` reached send(): the datum that completed it has been copied. */
  partSent(n: number): void {
    if (n > this.consumed) {
      this.consumed = Math.min(n, this.lent);
      this.kick();
    }
  }

  /** Copy a chunk in. A promise when the caller must wait for a free part sender; throws once failed. */
  write(chunk: Uint8Array): void | Promise<void> {
    if (this.failure) throw this.failure;
    if (this.ended) throw new Error('write after end');
    let from = 0;
    if (!this.head && chunk.byteLength > 0) {
      this.head = Buffer.from(chunk.subarray(0, 1));
      from = 1;
    }
    return this.copy(chunk, from);
  }

  private copy(chunk: Uint8Array, from: number): void | Promise<void> {
    while (from < chunk.byteLength) {
      if (this.fill === this.partSize || this.lent > this.consumed) {
        this.kick();
        if (this.fill === this.partSize || this.lent > this.consumed) {
          return this.waitForRoom().then(() => this.copy(chunk, from));
        }
      }
      const n = Math.min(this.partSize - this.fill, chunk.byteLength - from);
      this.staging.set(chunk.subarray(from, from + n), this.fill);
      this.fill += n;
      from += n;
    }
    this.kick();
  }

  /** No more data: the rest goes out as the last datum. */
  end(): void {
    this.ended = true;
    this.kick();
  }

  /** Stop: the chunker's read and every writer fail with `err`. */
  fail(err: unknown): void {
    if (this.failure) return;
    this.failure = err;
    const r = this.pendingRead;
    this.pendingRead = null;
    r?.reject(err);
    this.wakeWriter();
  }

  private read(): Promise<{ done: boolean; value?: Uint8Array }> {
    if (this.failure) return Promise.reject(this.failure);
    // Asked again: whatever was handed out before is in the chunker's own buffers now.
    this.consumed = this.lent;
    return new Promise((resolve, reject) => {
      this.pendingRead = { resolve, reject };
      this.kick();
    });
  }

  /** Answer a waiting read when there is something to give, and let writers on when there is room. */
  private kick(): void {
    const r = this.pendingRead;
    if (r) {
      const answer = this.next();
      if (answer) {
        this.pendingRead = null;
        r.resolve(answer);
      }
    }
    if (this.fill < this.partSize && this.lent === this.consumed) this.wakeWriter();
  }

  private next(): { done: boolean; value?: Uint8Array } | null {
    if (!this.headGiven) {
      if (this.head) {
        this.headGiven = true;
        return { done: false, value: this.head };
      }
      return this.ended ? { done: true } : null;
    }
    if (this.lent > this.consumed) return null; // the staging buffer is still out
    if (this.fill === this.partSize || (this.ended && this.fill > 0)) {
      const value = this.fill === this.partSize ? this.staging : this.staging.subarray(0, this.fill);
      this.lent++;
      this.fill = 0;
      return { done: false, value };
    }
    return this.ended ? { done: true } : null;
  }

  private waitForRoom(): Promise<void> {
    return new Promise<void>((resolve) => {
      this.wake = resolve;
    }).then(() => {
      if (this.failure) throw this.failure;
    });
  }

  private wakeWriter(): void {
    const w = this.wake;
    this.wake = null;
    w?.();
  }
}
