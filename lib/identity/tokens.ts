// Tokens of the embedded identity service: random strings handed to the
// client once, stored only as their SHA-256, with an expiry and a revocation
// mark. What a token grants (roles) is read from the assignments at every
// validation, so removing a role takes effect at once, as with Keystone's
// non-persistent tokens.
import { createHash, randomBytes } from 'node:crypto';
import { getConfig } from '@/lib/config';
import { db } from '@/lib/db/client';
import { withImplied } from './roles';

export interface TokenScope {
  id: string;
  name: string;
  domain: { id: string; name: string };
}

/** A valid token, as the identity API and the request context see it. */
export interface ValidToken {
  methods: string[];
  auditIds: string[];
  issuedAt: Date;
  expiresAt: Date;
  user: TokenScope;
  project: TokenScope | null;
  roles: { id: string; name: string }[];
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

function auditId(): string {
  return randomBytes(16).toString('base64url').slice(0, 22);
}

export interface IssueInput {
  userId: string;
  projectId: string | null;
  methods: string[];
  /** For the token method: the token this one is obtained with keeps its expiry and audit chain. */
  parent?: { auditId: string; expiresAt: Date } | null;
}

/** Create a token; returns the token string (shown once) and its hash. */
export async function issueToken(input: IssueInput): Promise<{ token: string; tokenHash: string }> {
  const token = randomBytes(32).toString('base64url');
  const tokenHash = hashToken(token);
  const now = new Date();
  const expiresAt = input.parent?.expiresAt ?? new Date(now.getTime() + getConfig().identity.tokenExpiration * 1000);
  await db().identityToken.create({
    data: {
      tokenHash,
      userId: input.userId,
      projectId: input.projectId,
      methods: input.methods.join(','),
      auditId: auditId(),
      parentAuditId: input.parent?.auditId ?? null,
      issuedAt: now,
      expiresAt,
    },
  });
  return { token, tokenHash };
}

export interface TokenRecord {
  tokenHash: string;
  auditId: string;
  expiresAt: Date;
}

/** The token, if it exists, is neither expired nor revoked, and its user and project are still usable. */
export async function validateToken(token: string | null | undefined): Promise<(ValidToken & { record: TokenRecord }) | null> {
  return token ? validateTokenHash(hashToken(token)) : null;
}

/** As validateToken, for a token known only by its hash (console sessions). */
export async function validateTokenHash(tokenHash: string): Promise<(ValidToken & { record: TokenRecord }) | null> {
  const row = await db().identityToken.findUnique({
    where: { tokenHash },
    include: {
      user: { include: { domain: true } },
      project: { include: { domain: true } },
    },
  });
  if (!row || row.revokedAt || row.expiresAt.getTime() <= Date.now()) return null;
  if (!row.user.enabled || !row.user.domain.enabled) return null;
  let roles: { id: string; name: string }[] = [];
  if (row.project) {
    if (!row.project.enabled || !row.project.domain.enabled) return null;
    const assigned = await db().identityRoleAssignment.findMany({
      where: { userId: row.userId, projectId: row.project.id },
      include: { role: true },
    });
    // A project token whose user lost every role on the project is no longer valid.
    if (assigned.length === 0) return null;
    const names = withImplied(assigned.map((a) => a.role.name));
    const known = await db().identityRole.findMany({ where: { name: { in: names } } });
    roles = names.map((n) => known.find((r) => r.name === n)).filter((r): r is NonNullable<typeof r> => !!r).map((r) => ({ id: r.id, name: r.name }));
  }
  const scope = (x: { id: string; name: string; domain: { id: string; name: string } }): TokenScope => ({
    id: x.id,
    name: x.name,
    domain: { id: x.domain.id, name: x.domain.name },
  });
  return {
    methods: row.methods.split(',').filter(Boolean),
    auditIds: row.parentAuditId ? [row.auditId, row.parentAuditId] : [row.auditId],
    issuedAt: row.issuedAt,
    expiresAt: row.expiresAt,
    user: scope(row.user),
    project: row.project ? scope(row.project) : null,
    roles,
    record: { tokenHash: row.tokenHash, auditId: row.auditId, expiresAt: row.expiresAt },
  };
}

/** Revoke a token and every token obtained with it (Keystone revokes by audit chain). */
export async function revokeToken(record: TokenRecord): Promise<void> {
  const now = new Date();
  await db().identityToken.updateMany({
    where: { OR: [{ tokenHash: record.tokenHash }, { parentAuditId: record.auditId }], revokedAt: null },
    data: { revokedAt: now },
  });
}

/** Forget tokens that expired more than a day ago (they can no longer be presented anyway). */
export async function purgeExpiredTokens(): Promise<number> {
  const dayAgo = new Date(Date.now() - 86_400_000);
  await db().consoleSession.deleteMany({ where: { expiresAt: { lt: dayAgo } } });
  const res = await db().identityToken.deleteMany({ where: { expiresAt: { lt: dayAgo } } });
  return res.count;
}
