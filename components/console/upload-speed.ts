// Upload speed over a sliding window of progress samples: steady enough to
// read, quick to follow a change of pace. Pure, so it is tested on its own.

const WINDOW_MS = 4000;
/** Below this span the figure would be noise; no speed is shown yet. */
const MIN_SPAN_MS = 200;

interface Sample {
  t: number;
  bytes: number;
}

export class SpeedMeter {
  private readonly samples = new Map<string, Sample[]>();

  /** Record that `key` has sent `bytes` by time `now` (ms); its speed in bytes/s, or null while unknown. */
  sample(key: string, bytes: number, now: number): number | null {
    const window = [...(this.samples.get(key) ?? []), { t: now, bytes }].filter((s) => now - s.t < WINDOW_MS);
    this.samples.set(key, window);
    const first = window[0];
    return window.length > 1 && now - first.t > MIN_SPAN_MS ? ((bytes - first.bytes) * 1000) / (now - first.t) : null;
  }

  /** Forget `key`'s samples (paused: the pause must not drag the next figure down). */
  reset(key: string): void {
    this.samples.delete(key);
  }
}
