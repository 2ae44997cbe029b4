// POST /v3/users/{user_id}/password: a user changes its own password by
// proving the current one, as Keystone's change_password. Like Keystone the
// call needs no token (the original password is the proof), so it goes
// through the same lockout and per-source throttling as a sign-in. On
// success every token of the user is revoked, console sessions included.
import { db } from '@/lib/db/client';
import { badRequest } from './errors';
import { hashPassword } from './password';
import { checkUserPassword } from './password-check';

const FIELDS = ['original_password', 'password'] as const;

function passwordChangeBody(raw: unknown): { original: string; next: string } {
  const outer = raw as Record<string, unknown> | null;
  const user = outer && typeof outer === 'object' && !Array.isArray(outer) ? outer.user : undefined;
  if (!user || typeof user !== 'object' || Array.isArray(user)) throw badRequest("Invalid input for field 'user': 'user' is a required property");
  const u = user as Record<string, unknown>;
  for (const key of FIELDS) {
    if (u[key] === undefined) throw badRequest(`Invalid input for field 'user': '${key}' is a required property`);
    if (typeof u[key] !== 'string') throw badRequest(`Invalid input for field 'user/${key}': ${JSON.stringify(u[key])} is not of type 'string'`);
  }
  const extra = Object.keys(u).find((k) => !(FIELDS as readonly string[]).includes(k));
  if (extra) throw badRequest(`Invalid input for field 'user': Additional properties are not allowed ('${extra}' was unexpected)`);
  if (u.password === '') throw badRequest('Password validation error: The password does not meet the requirements: it must not be empty.');
  return { original: u.original_password as string, next: u.password as string };
}

export async function changeOwnPassword(userId: string, raw: unknown, source: string | null): Promise<void> {
  const { original, next } = passwordChangeBody(raw);
  const user = await db().identityUser.findUnique({ where: { id: userId } });
  await checkUserPassword(user, original, source);
  const passwordHash = await hashPassword(next);
  await db().$transaction([
    db().identityUser.update({ where: { id: userId }, data: { passwordHash, failedAuthCount: 0, failedAuthAt: null } }),
    db().identityToken.updateMany({ where: { userId, revokedAt: null }, data: { revokedAt: new Date() } }),
  ]);
}
