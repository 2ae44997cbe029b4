// How often a supervised process may be restarted: at most `maxRestarts`
// within `windowMs`, each after a delay that doubles from `baseDelayMs` up
// to `maxDelayMs`. A process that stays up for a window earns a full budget.
export interface RestartPolicy {
  maxRestarts: number;
  windowMs: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export class RestartBudget {
  private restarts: number[] = [];

  constructor(readonly policy: RestartPolicy, private readonly now: () => number = Date.now) {}

  /** The delay before the next restart, or null when the budget is spent. */
  next(): number | null {
    const t = this.now();
    this.restarts = this.restarts.filter((at) => t - at < this.policy.windowMs);
    if (this.restarts.length >= this.policy.maxRestarts) return null;
    const delay = Math.min(this.policy.maxDelayMs, this.policy.baseDelayMs * 2 ** this.restarts.length);
    this.restarts.push(t);
    return delay;
  }

  /** Restarts counted in the current window (for log lines). */
  get used(): number {
    return this.restarts.length;
  }
}
