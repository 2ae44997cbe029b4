// How often an upload's progress reaches React: Chromium reports upload
// progress every few milliseconds, and each report re-rendered the uploads
// panel, a CPU cost that slowed the upload itself (npm run bench:browser).
// A few updates a second read the same to a person. Pure: tested on its own.

export const PROGRESS_INTERVAL_MS = 250;

export class ProgressGate {
  private readonly last = new Map<string, number>();

  /** Should `key`'s progress at `now` (ms) be shown? Always for the last byte, else at most once per interval. */
  pass(key: string, now: number, complete: boolean): boolean {
    const before = this.last.get(key);
    if (!complete && before !== undefined && now - before < PROGRESS_INTERVAL_MS) return false;
    this.last.set(key, now);
    return true;
  }

  /** Forget `key` (paused or finished: the next report shows at once). */
  reset(key: string): void {
    this.last.delete(key);
  }
}
