// The base of every format inspector: chunks of the stream go in, in order;
// the inspector captures the regions it declared and, once they are
// complete, says whether the stream is its format, the virtual size its
// header gives, and what its safety checks find.
import { CaptureRegion, EndCaptureRegion } from './region';

/** The content cannot be parsed as this format (the inspector drops out), or cannot be judged. */
export class ImageFormatError extends Error {}

/** A safety check that found something unsafe; `failures` maps check names to reasons. */
export class SafetyCheckFailed extends Error {
  constructor(readonly failures: Record<string, string>) {
    super(`Safety checks failed: ${Object.keys(failures).join(',')}`);
  }
}

/** One named check: returns a reason when the content is unsafe, null when it is fine. */
export type SafetyCheck = () => string | null;

export abstract class FormatInspector {
  abstract readonly name: string;
  private readonly regions = new Map<string, CaptureRegion | EndCaptureRegion>();
  protected readonly checks = new Map<string, SafetyCheck>();
  /** Bytes seen so far. */
  protected position = 0;
  protected finished = false;

  /** Does the content look like this format (on what was captured so far)? */
  abstract get formatMatch(): boolean;

  /** The disk's size as its header says (raw: the bytes seen); 0 when unknown. */
  get virtualSize(): number {
    return this.position;
  }

  get actualSize(): number {
    return this.position;
  }

  get complete(): boolean {
    for (const r of this.regions.values()) if (!r.complete) return false;
    return true;
  }

  /** Present the next chunk of the stream. Throws ImageFormatError when the content cannot be this format. */
  eat(chunk: Uint8Array): void {
    const before = new Set(this.regions.keys());
    const wasComplete = new Set([...this.regions].filter(([, r]) => r.complete).map(([n]) => n));
    this.position += chunk.byteLength;
    this.captureInto(chunk, before);
    // Regions declared by afterChunk() may start inside this very chunk, and
    // what they capture may point at further regions in it (VHDX: region
    // table → metadata table → virtual size): a few rounds at most.
    let known = before;
    for (let round = 0; round < 4; round++) {
      this.afterChunk();
      const added = [...this.regions.keys()].filter((n) => !known.has(n));
      if (added.length === 0) break;
      this.captureInto(chunk, new Set(added));
      known = new Set(this.regions.keys());
    }
    for (const [n, r] of this.regions) if (r.complete && !wasComplete.has(n)) this.regionComplete(n);
  }

  /** The stream has ended: end regions are complete now. */
  finish(): void {
    this.finished = true;
    for (const r of this.regions.values()) if (r instanceof EndCaptureRegion) r.finish();
  }

  /** Every failed check, or nothing; ImageFormatError when the content cannot be judged. */
  safetyCheck(): void {
    if (!this.complete) throw new ImageFormatError('Incomplete file cannot be safety checked');
    if (!this.formatMatch) {
      throw new ImageFormatError(`Unable to safety check format ${this.name} because content does not match`);
    }
    const failures: Record<string, string> = {};
    for (const [name, check] of this.checks) {
      let reason: string | null;
      try {
        reason = check();
      } catch {
        reason = 'Unexpected error';
      }
      if (reason !== null) failures[name] = reason;
    }
    if (Object.keys(failures).length) throw new SafetyCheckFailed(failures);
  }

  protected afterChunk(): void {}

  protected regionComplete(_name: string): void {}

  protected addRegion(name: string, region: CaptureRegion | EndCaptureRegion): void {
    if (this.regions.has(name)) throw new ImageFormatError(`Inspector re-added region ${name}`);
    this.regions.set(name, region);
  }

  protected hasRegion(name: string): boolean {
    return this.regions.has(name);
  }

  protected removeRegion(name: string): void {
    this.regions.delete(name);
  }

  protected region(name: string): CaptureRegion | EndCaptureRegion {
    const r = this.regions.get(name);
    if (!r) throw new ImageFormatError(`no region ${name}`);
    return r;
  }

  /** A region's bytes (empty when it does not exist). */
  protected bytes(name: string): Buffer {
    return this.regions.get(name)?.data ?? Buffer.alloc(0);
  }

  private captureInto(chunk: Uint8Array, names: Set<string>): void {
    for (const n of names) {
      const r = this.regions.get(n);
      if (!r) continue;
      if (r instanceof EndCaptureRegion) r.capture(chunk);
      else if (!r.complete) r.capture(chunk, this.position);
    }
  }
}
