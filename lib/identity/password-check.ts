// The one password check of the identity service (token requests, the
// console's sign-in, password changes), as Keystone's authenticate(): an
// unknown user, a wrong password, a locked-out or disabled user all get the
// same 401 after the same scrypt work, so neither the answer nor its timing
// tells whether a user exists or is locked.
import type { IdentityUser } from '@/lib/generated/prisma/client';
import { authRequired } from './errors';
import { clearFailures, reserveAttempt } from './lockout';
import { verifyPassword } from './password';
import { releaseSourceAttempt, reserveSourceAttempt } from './throttle';

/**
 * The user, when `secret` is its password and it may sign in; otherwise 401
 * (or 429 when `source`, the client's address, has failed too often).
 */
export async function checkUserPassword(user: IdentityUser | null, secret: string, source: string | null): Promise<IdentityUser> {
  const sourceSlot = reserveSourceAttempt(source);
  const allowed = user ? await reserveAttempt(user.id) : false;
  // A locked or unknown user still costs one scrypt (against no hash).
  const ok = await verifyPassword(secret, allowed ? user!.passwordHash : null);
  if (!user || !allowed || !ok || !user.enabled) throw authRequired();
  await clearFailures(user.id);
  releaseSourceAttempt(source, sourceSlot);
  return user;
}
