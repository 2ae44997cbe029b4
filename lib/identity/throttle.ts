// Per-source throttling of failed sign-ins: a client address with too many
// failed password attempts in a window is refused at once (429, no password
// check), whichever users it tries. This bounds both online guessing across
// many users and the CPU an attacker can burn on scrypt. Kept in the server
// process's memory (one process serves everything); a bounded number of
// addresses is remembered, the stalest forgotten first.
import { getConfig } from '@/lib/config';
import { KeystoneError } from './errors';

export interface ThrottlePolicy {
  /** Failures allowed per address within the window; 0 = no throttling. */
  failures: number;
  windowSeconds: number;
}

const MAX_SOURCES = 10_000;

/** address -> timestamps (ms) of its recent failures, oldest first. */
const failuresBySource = new Map<string, number[]>();

function policy(): ThrottlePolicy {
  const { loginThrottleFailures, loginThrottleWindow } = getConfig().identity;
  return { failures: loginThrottleFailures, windowSeconds: loginThrottleWindow };
}

export class TooManyFailures extends KeystoneError {
  constructor(readonly retryAfterSeconds: number) {
    super(429, 'Too many failed authentication attempts from this address; try again later.');
  }

  toResponse(): Response {
    const res = super.toResponse();
    res.headers.set('Retry-After', String(this.retryAfterSeconds));
    return res;
  }
}

function recent(source: string, now: number, p: ThrottlePolicy): number[] {
  const since = now - p.windowSeconds * 1000;
  const list = (failuresBySource.get(source) ?? []).filter((t) => t > since);
  if (list.length === 0) failuresBySource.delete(source);
  else failuresBySource.set(source, list);
  return list;
}

/**
 * Take an attempt slot for the address before the password is checked (so
 * parallel attempts all count), or throw TooManyFailures when its failures
 * fill the window. Returns the slot, to give back when the password was right.
 */
export function reserveSourceAttempt(source: string | null, p: ThrottlePolicy = policy()): number | null {
  if (!source || p.failures <= 0) return null;
  const now = Date.now();
  const list = recent(source, now, p);
  if (list.length >= p.failures) {
    const retryAfter = Math.max(1, Math.ceil((list[0] + p.windowSeconds * 1000 - now) / 1000));
    throw new TooManyFailures(retryAfter);
  }
  list.push(now);
  // Re-inserting keeps the Map in least-recently-used order for eviction.
  failuresBySource.delete(source);
  failuresBySource.set(source, list);
  if (failuresBySource.size > MAX_SOURCES) failuresBySource.delete(failuresBySource.keys().next().value!);
  return now;
}

/** A successful attempt is not a failure: give its slot back. */
export function releaseSourceAttempt(source: string | null, slot: number | null): void {
  if (!source || slot === null) return;
  const list = failuresBySource.get(source);
  const i = list ? list.indexOf(slot) : -1;
  if (i >= 0) list!.splice(i, 1);
}
