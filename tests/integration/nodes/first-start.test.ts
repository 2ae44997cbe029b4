// Two nodes started at the same moment on a fresh database: both come up,
// the migrations are applied once, one bootstrap admin (whose password the
// one admin-openrc written holds) and one console session key exist. The
// migration lock's fallback for Galera (a lock row) is exercised directly.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import * as mariadb from 'mariadb';
import { migrate, migrationsDir } from '../../../lib/db/migrate';
import { databaseName, poolConfigFromUrl } from '../../../lib/db/url';
import { ROOT } from '../../../scripts/lib/server';
import { consoleBrowser, sessionCookie } from '../../helpers/console';
import { getToken, readOpenrc } from '../../helpers/identity';
import { newCluster, removeCluster, startNode, type Cluster } from '../../helpers/nodes';
import { databaseUrlFor, removeDir, type TestServer } from '../../helpers/server';

const MIGRATIONS = migrationsDir(ROOT);
const migrationCount = readdirSync(MIGRATIONS, { withFileTypes: true }).filter((d) => d.isDirectory()).length;
const cleanups: (() => Promise<void>)[] = [];

after(async () => {
  for (const c of cleanups.reverse()) await c();
});

async function dropDatabase(url: string): Promise<void> {
  const conn = await mariadb.createConnection({ ...poolConfigFromUrl(url), database: undefined });
  await conn.query(`DROP DATABASE IF EXISTS \`${databaseName(url)}\``);
  await conn.end();
}

test('two nodes started at once on a fresh database both come up: one migration run, one admin, one session key', async () => {
  const openrcDir = mkdtempSync(path.join(os.tmpdir(), 'glance-openrc-'));
  const openrcs = [path.join(openrcDir, 'a-openrc'), path.join(openrcDir, 'b-openrc')];
  // Each node writes its admin-openrc to its own file: only the node that created the admin knows the password.
  const shared = newCluster({ flavor: 'keystone' });
  const clusters: Cluster[] = openrcs.map((file) => ({ ...shared, extraConfig: `[identity]\nadmin_openrc = ${file}\n` }));
  const nodes: TestServer[] = [];
  cleanups.push(async () => {
    await removeCluster(shared, nodes);
    removeDir(openrcDir);
    await dropDatabase(shared.databaseUrl);
  });
  const started = await Promise.allSettled(clusters.map((c) => startNode(c)));
  for (const s of started) if (s.status === 'fulfilled') nodes.push(s.value);
  const failure = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  assert.equal(failure, undefined, `both nodes start: ${failure?.reason}`);
  const [a, b] = nodes;

  const migrations = await a.query<{ migration_name: string; finished_at: string | null }>('SELECT migration_name, finished_at FROM _prisma_migrations');
  assert.equal(migrations.length, migrationCount, 'each migration applied once');
  assert.ok(migrations.every((m) => m.finished_at !== null));
  assert.equal((await a.query<{ n: number }>("SELECT COUNT(*) AS n FROM identity_users WHERE name = 'admin'"))[0].n, 1);
  assert.equal((await a.query<{ n: number }>("SELECT COUNT(*) AS n FROM identity_projects WHERE name = 'admin'"))[0].n, 1);
  assert.equal((await a.query<{ n: number }>('SELECT COUNT(*) AS n FROM identity_roles'))[0].n, 3);
  assert.equal((await a.query<{ n: number }>('SELECT COUNT(*) AS n FROM service_secrets'))[0].n, 1);
  assert.equal((await a.query<{ n: number }>('SELECT COUNT(*) AS n FROM service_nodes'))[0].n, 2);
  // Both loaded the shipped metadata definitions at once: each namespace once, every one complete.
  const shipped = readdirSync(path.join(ROOT, 'etc', 'metadefs')).filter((f) => f.endsWith('.json')).length;
  assert.equal((await a.query<{ n: number }>('SELECT COUNT(*) AS n FROM metadef_namespaces'))[0].n, shipped);
  assert.equal((await a.query<{ n: number }>("SELECT COUNT(*) AS n FROM metadef_objects o JOIN metadef_namespaces n ON n.id = o.namespace_id WHERE n.namespace = 'OS::Software::DBMS'"))[0].n, 12);

  const written = openrcs.filter((f) => existsSync(f));
  assert.equal(written.length, 1, 'one node created the admin and wrote its password');
  const password = readOpenrc(written[0]).OS_PASSWORD;
  for (const node of [a, b]) assert.ok(await getToken(node.url, 'admin', password, 'admin'));

  const browser = consoleBrowser(a.url);
  await browser.signIn({ username: 'admin', password, project: 'admin', domain: 'Default' });
  const name = sessionCookie(browser.jar)!;
  const onB = await fetch(`${b.url}/api/console/images`, { headers: { Cookie: `${name}=${browser.jar.get(name)}` }, redirect: 'manual' });
  assert.equal(onB.status, 200, 'a session from one node is valid on the other');
});

test('the migration lock row (where GET_LOCK is refused, as on Galera): concurrent runs apply each migration once', async () => {
  const url = databaseUrlFor(`lockrow_${randomBytes(5).toString('hex')}`);
  cleanups.push(() => dropDatabase(url));
  const runs = await Promise.all([0, 1, 2].map(() => migrate(url, MIGRATIONS, () => {}, { lock: 'row' })));
  assert.deepEqual(runs.map((r) => r.applied.length).sort(), [0, 0, migrationCount], 'one run applied them, the others found them done');
  const conn = await mariadb.createConnection({ ...poolConfigFromUrl(url), bigIntAsNumber: true });
  try {
    assert.equal((await conn.query('SELECT COUNT(*) AS n FROM _prisma_migrations'))[0].n, migrationCount);
    assert.equal((await conn.query('SELECT COUNT(*) AS n FROM _glance_migration_lock'))[0].n, 0, 'the lock is released');
  } finally {
    await conn.end();
  }
});

test('GET_LOCK: concurrent runs on a fresh database apply each migration once', async () => {
  const url = databaseUrlFor(`lockname_${randomBytes(5).toString('hex')}`);
  cleanups.push(() => dropDatabase(url));
  const runs = await Promise.all([0, 1, 2].map(() => migrate(url, MIGRATIONS)));
  assert.deepEqual(runs.map((r) => r.applied.length).sort(), [0, 0, migrationCount]);
});
