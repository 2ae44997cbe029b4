// lib-storage's part buffers (one Buffer.concat result per part, see
// part-feed.ts) handed back to the OS as soon as S3 has the part, instead of
// when V8's next full marking finds them: a promoted buffer is freed only by
// a full GC, which V8 starts after ~64 MiB of new external memory, so each
// upload carried up to that much dead part data in its RSS. A buffer is
// detached (structuredClone with transfer: the new owner dies young) once
// its part is acknowledged, no other part in flight shares it, and a later
// part has been cut (the chunker's one leftover byte lives at its end).

export class PartBuffers {
  private readonly inFlight = new Map<number, ArrayBufferLike>();
  private readonly acknowledged = new Map<number, ArrayBuffer>();
  private highestCut = 0;

  /** `minBytes`: smaller buffers may be slices of Node's shared pool and are never touched. */
  constructor(private readonly minBytes: number) {}

  sending(part: number, body: Uint8Array): void {
    this.inFlight.set(part, body.buffer);
    this.highestCut = Math.max(this.highestCut, part);
    this.sweep();
  }

  settled(part: number, ok: boolean): void {
    const buffer = this.inFlight.get(part);
    this.inFlight.delete(part);
    if (ok && buffer instanceof ArrayBuffer && buffer.byteLength >= this.minBytes) this.acknowledged.set(part, buffer);
    this.sweep();
  }

  /** The upload is complete: nothing reads any part any more. */
  finished(): void {
    this.highestCut = Infinity;
    this.sweep();
  }

  private sweep(): void {
    for (const [part, buffer] of this.acknowledged) {
      if (part >= this.highestCut) continue;
      if ([...this.inFlight.values()].includes(buffer)) continue;
      this.acknowledged.delete(part);
      if (buffer.byteLength > 0) structuredClone(buffer, { transfer: [buffer] });
    }
  }
}
