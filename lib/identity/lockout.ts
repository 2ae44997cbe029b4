// Keystone's [security_compliance] lockout, made safe against parallel
// guesses: every password attempt is counted as a failure BEFORE the slow
// password check, by one conditional UPDATE, so N concurrent guesses take N
// slots and no more than lockout_failure_attempts are ever checked per window.
// A right password gives its slot back (the counter is cleared, as Keystone
// clears it on success).
import { getConfig } from '@/lib/config';
import { db } from '@/lib/db/client';

export interface LockoutPolicy {
  attempts: number;
  durationSeconds: number;
}

function policy(): LockoutPolicy {
  const { lockoutFailureAttempts, lockoutDuration } = getConfig().identity;
  return { attempts: lockoutFailureAttempts, durationSeconds: lockoutDuration };
}

/**
 * Take one attempt slot for the user; false when the user is locked out.
 * The window restarts when the last failure is older than the lockout
 * duration; otherwise the count grows only while it is under the limit.
 */
export async function reserveAttempt(userId: string, p: LockoutPolicy = policy()): Promise<boolean> {
  if (p.attempts <= 0) return true;
  const now = new Date();
  const windowStart = new Date(now.getTime() - p.durationSeconds * 1000);
  const restarted = await db().identityUser.updateMany({
    where: { id: userId, OR: [{ failedAuthAt: null }, { failedAuthAt: { lte: windowStart } }] },
    data: { failedAuthCount: 1, failedAuthAt: now },
  });
  if (restarted.count === 1) return true;
  const counted = await db().identityUser.updateMany({
    where: { id: userId, failedAuthCount: { lt: p.attempts }, failedAuthAt: { gt: windowStart } },
    data: { failedAuthCount: { increment: 1 }, failedAuthAt: now },
  });
  return counted.count === 1;
}

/** A right password: the user's failures are forgiven. */
export async function clearFailures(userId: string): Promise<void> {
  await db().identityUser.updateMany({ where: { id: userId, failedAuthCount: { gt: 0 } }, data: { failedAuthCount: 0, failedAuthAt: null } });
}
