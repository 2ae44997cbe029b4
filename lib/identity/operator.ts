// What an operator does from the machine's shell when the API cannot help
// (`npm run manage -- ...`, scripts/manage.ts): unlock a locked-out user (the
// admin included), or set a new password. Both act on users by name.
import { db } from '@/lib/db/client';
import { hashPassword } from './password';

export class OperatorError extends Error {}

async function userByName(name: string, domainName: string) {
  const domain = await db().identityDomain.findUnique({ where: { name: domainName } });
  if (!domain) throw new OperatorError(`no domain named "${domainName}"`);
  const user = await db().identityUser.findUnique({ where: { domainId_name: { domainId: domain.id, name } } });
  if (!user) throw new OperatorError(`no user named "${name}" in domain "${domainName}"`);
  return user;
}

/** Forget the user's failed password attempts; returns how many there were. */
export async function unlockUser(name: string, domainName = 'Default'): Promise<number> {
  const user = await userByName(name, domainName);
  await db().identityUser.update({ where: { id: user.id }, data: { failedAuthCount: 0, failedAuthAt: null } });
  return user.failedAuthCount;
}

/** Set a new password (which also unlocks) and revoke the user's tokens, as a password change does. */
export async function resetPassword(name: string, password: string, domainName = 'Default'): Promise<void> {
  if (password === '') throw new OperatorError('the new password must not be empty');
  const user = await userByName(name, domainName);
  const passwordHash = await hashPassword(password);
  await db().$transaction([
    db().identityUser.update({ where: { id: user.id }, data: { passwordHash, failedAuthCount: 0, failedAuthAt: null } }),
    db().identityToken.updateMany({ where: { userId: user.id, revokedAt: null }, data: { revokedAt: new Date() } }),
  ]);
}
