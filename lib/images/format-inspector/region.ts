// The parts of a stream an inspector needs, gathered as the bytes pass by:
// a fixed window (offset, length) or the last N bytes of the stream. Only
// these windows are copied; the stream itself is never held.

export class CaptureRegion {
  private buffer: Buffer | null = null;
  private filled = 0;

  /** `minLength`: complete once this much is captured (for variable-size structures). */
  constructor(
    readonly offset: number,
    public length: number,
    private readonly minLength: number | null = null,
  ) {}

  get data(): Buffer {
    return this.buffer ? this.buffer.subarray(0, this.filled) : Buffer.alloc(0);
  }

  get complete(): boolean {
    return this.minLength !== null ? this.filled >= this.minLength : this.filled >= this.length;
  }

  /** Take this region's share of `chunk`, which ends at stream position `end`. */
  capture(chunk: Uint8Array, end: number): void {
    const start = end - chunk.byteLength;
    const want = this.offset + this.filled; // next stream position this region needs
    if (this.filled >= this.length || want < start || want >= end) return;
    const n = Math.min(end - want, this.length - this.filled);
    this.buffer ??= Buffer.alloc(this.length);
    this.buffer.set(chunk.subarray(want - start, want - start + n), this.filled);
    this.filled += n;
  }

  /** Stop capturing here (what is held so far is all that is needed). */
  truncate(): void {
    this.length = this.filled;
  }
}

/** The last `length` bytes of the stream; complete only once the stream has ended. */
export class EndCaptureRegion {
  private readonly tail: Buffer;
  private filled = 0;
  private ended = false;

  constructor(readonly length: number) {
    this.tail = Buffer.alloc(length);
  }

  get data(): Buffer {
    return this.tail.subarray(this.length - this.filled);
  }

  get complete(): boolean {
    return this.ended && this.filled === this.length;
  }

  /** Keeps the last `length` bytes right-aligned in one fixed buffer. */
  capture(chunk: Uint8Array): void {
    const n = Math.min(chunk.byteLength, this.length);
    this.tail.copyWithin(0, n); // drop the oldest n bytes
    this.tail.set(chunk.subarray(chunk.byteLength - n), this.length - n);
    this.filled = Math.min(this.length, this.filled + n);
  }

  finish(): void {
    this.ended = true;
  }
}
