// The first start's `keystone-manage bootstrap`: the Default domain, the
// admin/member/reader roles, project `admin`, user `admin` with role admin on
// it, and an admin-openrc file that makes `. admin-openrc; openstack ...` work.
// Several nodes may do this at once on a fresh database: every step tolerates
// the row another node created a moment earlier.
import { randomBytes } from 'node:crypto';
import { existsSync, renameSync, writeFileSync } from 'node:fs';
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

function isDuplicate(err: unknown): boolean {
  return (err as { code?: string }).code === 'P2002';
}

/** Prisma's upsert is a read then a write: when another node wrote between them, once more finds its row. */
async function raceSafe<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (err) {
    if (!isDuplicate(err)) throw err;
    return write();
  }
}

/** Written whole or not at all: two nodes on one machine may write it at the same moment. */
function writeOpenrc(file: string, text: string): void {
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, text, { mode: 0o600 });
  renameSync(temp, file);
}

export async function bootstrapIdentity(config: GlanceConfig): Promise<BootstrapResult> {
  const now = new Date();
  const { bootstrapUsername, bootstrapPassword, bootstrapProjectName, adminOpenrc } = config.identity;
  await raceSafe(() => db().identityDomain.upsert({
    where: { id: DEFAULT_DOMAIN_ID },
    create: { id: DEFAULT_DOMAIN_ID, name: 'Default', description: 'The default domain', enabled: true, createdAt: now },
    update: {},
  }));
  for (const name of DEFAULT_ROLES) {
    await raceSafe(() => db().identityRole.upsert({ where: { name }, create: { id: newId(), name, createdAt: now }, update: {} }));
  }
  const adminRole = await db().identityRole.findUniqueOrThrow({ where: { name: 'admin' } });
  const project = await raceSafe(() => db().identityProject.upsert({
    where: { domainId_name: { domainId: DEFAULT_DOMAIN_ID, name: bootstrapProjectName } },
    create: { id: newId(), name: bootstrapProjectName, domainId: DEFAULT_DOMAIN_ID, description: 'Bootstrap project for initializing the cloud.', createdAt: now },
    update: {},
  }));
  let user = await db().identityUser.findUnique({ where: { domainId_name: { domainId: DEFAULT_DOMAIN_ID, name: bootstrapUsername } } });
  let password = bootstrapPassword;
  let created = false;
  if (!user) {
    password ??= randomBytes(18).toString('base64url');
    try {
      user = await db().identityUser.create({
        data: { id: newId(), name: bootstrapUsername, domainId: DEFAULT_DOMAIN_ID, passwordHash: await hashPassword(password), defaultProjectId: project.id, createdAt: now },
      });
      created = true;
    } catch (err) {
      if (!isDuplicate(err)) throw err;
      // Another node created the admin first: its password counts (its admin-openrc has it), not ours.
      user = await db().identityUser.findUniqueOrThrow({ where: { domainId_name: { domainId: DEFAULT_DOMAIN_ID, name: bootstrapUsername } } });
      password = bootstrapPassword;
    }
  } else if (password && !(await verifyPassword(password, user.passwordHash))) {
    // As keystone-manage bootstrap: a given password is (re)set.
    await db().identityUser.update({ where: { id: user.id }, data: { passwordHash: await hashPassword(password), enabled: true, failedAuthCount: 0, failedAuthAt: null } });
  }
  const userId = user.id;
  await raceSafe(() => db().identityRoleAssignment.upsert({
    where: { userId_projectId_roleId: { userId, projectId: project.id, roleId: adminRole.id } },
    create: { userId, projectId: project.id, roleId: adminRole.id },
    update: {},
  }));
  let openrc: string | null = null;
  if (adminOpenrc && password && (created || bootstrapPassword || !existsSync(adminOpenrc))) {
    writeOpenrc(adminOpenrc, openrcText(config, password));
    openrc = adminOpenrc;
  }
  return { created, openrc };
}
