// The first start's `keystone-manage bootstrap`: the Default domain, the
// admin/member/reader roles, project `admin`, user `admin` with role admin on
// it, and an admin-openrc file that makes `. admin-openrc; openstack ...` work.
import { randomBytes } from 'node:crypto';
import { writeFileSync, existsSync } from 'node:fs';
import type { GlanceConfig } from '@/lib/config';
import { db } from '@/lib/db/client';
import { DEFAULT_DOMAIN_ID, newId } from './directory';
import { hashPassword, verifyPassword } from './password';
import { DEFAULT_ROLES } from './roles';

export interface BootstrapResult {
  created: boolean;
  openrc: string | null;
}

/** Where clients reach the identity API, as written into admin-openrc. */
export function authUrl(config: GlanceConfig): string {
  if (config.publicEndpoint) return `${config.publicEndpoint}/v3`;
  const host = config.bindHost === '0.0.0.0' || config.bindHost === '::' ? '127.0.0.1' : config.bindHost;
  return `http://${host}:${config.bindPort}/v3`;
}

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

export function openrcText(config: GlanceConfig, password: string): string {
  const { bootstrapUsername, bootstrapProjectName } = config.identity;
  return [
    '# Credentials of the bootstrap admin, written by the image service on its first start.',
    '# Use: . ./admin-openrc   (then: openstack image list)',
    `export OS_AUTH_URL=${authUrl(config)}`,
    `export OS_USERNAME=${shellQuote(bootstrapUsername)}`,
    `export OS_PASSWORD=${shellQuote(password)}`,
    `export OS_PROJECT_NAME=${shellQuote(bootstrapProjectName)}`,
    'export OS_USER_DOMAIN_NAME=Default',
    'export OS_PROJECT_DOMAIN_NAME=Default',
    'export OS_IDENTITY_API_VERSION=3',
    'export OS_IMAGE_API_VERSION=2',
    '',
  ].join('\n');
}

export async function bootstrapIdentity(config: GlanceConfig): Promise<BootstrapResult> {
  const now = new Date();
  const { bootstrapUsername, bootstrapPassword, bootstrapProjectName, adminOpenrc } = config.identity;
  await db().identityDomain.upsert({
    where: { id: DEFAULT_DOMAIN_ID },
    create: { id: DEFAULT_DOMAIN_ID, name: 'Default', description: 'The default domain', enabled: true, createdAt: now },
    update: {},
  });
  for (const name of DEFAULT_ROLES) {
    await db().identityRole.upsert({ where: { name }, create: { id: newId(), name, createdAt: now }, update: {} });
  }
  const adminRole = await db().identityRole.findUniqueOrThrow({ where: { name: 'admin' } });
  const project = await db().identityProject.upsert({
    where: { domainId_name: { domainId: DEFAULT_DOMAIN_ID, name: bootstrapProjectName } },
    create: { id: newId(), name: bootstrapProjectName, domainId: DEFAULT_DOMAIN_ID, description: 'Bootstrap project for initializing the cloud.', createdAt: now },
    update: {},
  });
  let user = await db().identityUser.findUnique({ where: { domainId_name: { domainId: DEFAULT_DOMAIN_ID, name: bootstrapUsername } } });
  let password = bootstrapPassword;
  let created = false;
  if (!user) {
    password ??= randomBytes(18).toString('base64url');
    user = await db().identityUser.create({
      data: { id: newId(), name: bootstrapUsername, domainId: DEFAULT_DOMAIN_ID, passwordHash: await hashPassword(password), defaultProjectId: project.id, createdAt: now },
    });
    created = true;
  } else if (password && !(await verifyPassword(password, user.passwordHash))) {
    // As keystone-manage bootstrap: a given password is (re)set.
    await db().identityUser.update({ where: { id: user.id }, data: { passwordHash: await hashPassword(password), enabled: true, failedAuthCount: 0, failedAuthAt: null } });
  }
  await db().identityRoleAssignment.upsert({
    where: { userId_projectId_roleId: { userId: user.id, projectId: project.id, roleId: adminRole.id } },
    create: { userId: user.id, projectId: project.id, roleId: adminRole.id },
    update: {},
  });
  let openrc: string | null = null;
  if (adminOpenrc && password && (created || bootstrapPassword || !existsSync(adminOpenrc))) {
    writeFileSync(adminOpenrc, openrcText(config, password), { mode: 0o600 });
    openrc = adminOpenrc;
  }
  return { created, openrc };
}
