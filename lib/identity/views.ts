// Identity resources as Keystone v3 shows them (the CLI and keystoneauth parse these).
import { catalog } from './catalog';
import type { IdentityDomain, IdentityProject, IdentityRole, IdentityUser } from '@/lib/generated/prisma/client';
import type { ValidToken } from './tokens';

/** Keystone's time format: UTC, microseconds, trailing Z. */
export function keystoneTime(d: Date): string {
  return d.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

export function projectView(p: IdentityProject, v3: string) {
  return {
    id: p.id,
    name: p.name,
    domain_id: p.domainId,
    description: p.description ?? '',
    enabled: p.enabled,
    is_domain: false,
    parent_id: p.domainId,
    tags: [] as string[],
    options: {},
    links: { self: `${v3}/projects/${p.id}` },
  };
}

export function userView(u: IdentityUser, v3: string) {
  return {
    id: u.id,
    name: u.name,
    domain_id: u.domainId,
    enabled: u.enabled,
    ...(u.defaultProjectId ? { default_project_id: u.defaultProjectId } : {}),
    ...(u.email ? { email: u.email } : {}),
    ...(u.description ? { description: u.description } : {}),
    password_expires_at: null,
    options: {},
    links: { self: `${v3}/users/${u.id}` },
  };
}

export function roleView(r: IdentityRole, v3: string) {
  return { id: r.id, name: r.name, domain_id: null, description: null, options: {}, links: { self: `${v3}/roles/${r.id}` } };
}

export function domainView(d: IdentityDomain, v3: string) {
  return {
    id: d.id,
    name: d.name,
    description: d.description ?? '',
    enabled: d.enabled,
    tags: [] as string[],
    options: {},
    links: { self: `${v3}/domains/${d.id}` },
  };
}

export function collection<T>(key: string, items: T[], self: string) {
  return { [key]: items, links: { self, previous: null, next: null } };
}

export async function tokenBody(t: ValidToken, base: string, withCatalog: boolean) {
  const token: Record<string, unknown> = {
    methods: t.methods,
    user: { domain: t.user.domain, id: t.user.id, name: t.user.name, password_expires_at: null },
    audit_ids: t.auditIds,
    expires_at: keystoneTime(t.expiresAt),
    issued_at: keystoneTime(t.issuedAt),
  };
  if (t.project) {
    token.project = { domain: t.project.domain, id: t.project.id, name: t.project.name };
    token.is_domain = false;
    token.roles = t.roles;
    if (withCatalog) token.catalog = await catalog(base);
  }
  return { token };
}
