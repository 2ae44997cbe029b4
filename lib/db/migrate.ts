// Applies prisma/migrations/*/migration.sql the way `prisma migrate deploy`
// does, keeping Prisma's bookkeeping table `_prisma_migrations`, so that the
// stock Prisma CLI (on a machine that can download its engine) sees the same
// history. Needed because Prisma's schema engine cannot be downloaded here.
// Several nodes may start at once on one database: one applies the
// migrations while the others wait for it (a named lock), then find them done.
import { createHash, randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import * as mariadb from 'mariadb';
import { poolConfigFromUrl, databaseName } from './url';

const BOOKKEEPING = `CREATE TABLE IF NOT EXISTS _prisma_migrations (
  id VARCHAR(36) PRIMARY KEY NOT NULL,
  checksum VARCHAR(64) NOT NULL,
  finished_at DATETIME(3),
  migration_name VARCHAR(255) NOT NULL,
  logs TEXT,
  rolled_back_at DATETIME(3),
  started_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  applied_steps_count INTEGER UNSIGNED NOT NULL DEFAULT 0
) DEFAULT CHARACTER SET utf8mb4`;

export interface MigrationResult {
  applied: string[];
  alreadyApplied: string[];
}

interface Row {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
  logs: string | null;
}

export function migrationsDir(root = process.cwd()): string {
  return path.join(root, 'prisma', 'migrations');
}

/** Split a migration file into statements (our migrations hold no procedures or strings with ';'). */
function statements(sql: string): string[] {
  return sql
    .split('\n')
    .filter((line) => !line.trim().startsWith('--'))
    .join('\n')
    .split(';')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** How long a node waits for another one's migrations. */
const LOCK_WAIT_S = 600;
/** A lock row older than this is taken as left by a crashed migration run (fallback lock only). */
const STALE_LOCK_S = 900;
const ER_NOT_SUPPORTED_YET = 1235;
const ER_LOCK_DEADLOCK = 1213;

export interface MigrateOptions {
  /** 'named': GET_LOCK (falling back to 'row' where refused, as on Galera); 'row': a lock row. */
  lock?: 'named' | 'row';
}

/** Create the database if needed, then apply every pending migration in order, one process at a time. */
export async function migrate(url: string, dir = migrationsDir(), log: (m: string) => void = () => {}, opts: MigrateOptions = {}): Promise<MigrationResult> {
  const name = databaseName(url);
  const conn = await mariadb.createConnection({ ...poolConfigFromUrl(url), database: undefined });
  try {
    const quoted = `\`${name.replace(/`/g, '``')}\``;
    await conn.query(`CREATE DATABASE IF NOT EXISTS ${quoted} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    await conn.query(`USE ${quoted}`);
    const release = await takeMigrationLock(conn, name, log, opts.lock ?? 'named');
    try {
      return await applyPending(conn, dir, log);
    } finally {
      await release();
    }
  } finally {
    await conn.end();
  }
}

/**
 * MariaDB's GET_LOCK: server-wide, freed if its holder's connection drops.
 * Galera refuses it (wsrep_on): there a row in a lock table stands in,
 * taken by INSERT (the primary key lets one node win) and deleted after.
 */
async function takeMigrationLock(conn: mariadb.Connection, database: string, log: (m: string) => void, kind: 'named' | 'row'): Promise<() => Promise<void>> {
  const key = `glance-migrate:${database}`.slice(0, 64);
  if (kind === 'named') {
    try {
      const [row] = await conn.query('SELECT GET_LOCK(?, ?) AS got', [key, LOCK_WAIT_S]);
      if (Number(row.got) !== 1) throw new Error(`another process kept the migration lock ${key} for ${LOCK_WAIT_S} s`);
      return async () => void (await conn.query('SELECT RELEASE_LOCK(?)', [key]));
    } catch (err) {
      if ((err as { errno?: number }).errno !== ER_NOT_SUPPORTED_YET) throw err;
      log('GET_LOCK is refused here (a Galera cluster?): migrations take a lock row instead');
    }
  }
  await conn.query(`CREATE TABLE IF NOT EXISTS _glance_migration_lock (
    id TINYINT PRIMARY KEY, holder VARCHAR(36) NOT NULL, taken_at DATETIME(3) NOT NULL) DEFAULT CHARACTER SET utf8mb4`);
  const holder = randomUUID();
  const deadline = Date.now() + LOCK_WAIT_S * 1000;
  // Two runs racing on the row may be told "deadlock" (InnoDB's row locks, Galera's certification): that round
  // is lost, not the run, so it waits and tries again like a run that found the row taken.
  const affected = async (sql: string, params: unknown[]) => {
    try {
      return Number((await conn.query(sql, params)).affectedRows);
    } catch (err) {
      if ((err as { errno?: number }).errno === ER_LOCK_DEADLOCK) return 0;
      throw err;
    }
  };
  for (;;) {
    if ((await affected('INSERT IGNORE INTO _glance_migration_lock (id, holder, taken_at) VALUES (1, ?, NOW(3))', [holder])) === 1) break;
    const stale = await affected('DELETE FROM _glance_migration_lock WHERE id = 1 AND taken_at < NOW(3) - INTERVAL ? SECOND', [STALE_LOCK_S]);
    if (stale === 1) log(`removed a migration lock older than ${STALE_LOCK_S} s (a crashed run)`);
    if (Date.now() > deadline) throw new Error(`another process kept the migration lock row for ${LOCK_WAIT_S} s`);
    await new Promise((r) => setTimeout(r, 500));
  }
  return async () => {
    // A release lost to a deadlock is tried again: a row left behind would hold every other run for STALE_LOCK_S.
    while ((await affected('DELETE FROM _glance_migration_lock WHERE id = 1 AND holder = ?', [holder])) === 0) {
      const [mine] = await conn.query('SELECT 1 FROM _glance_migration_lock WHERE id = 1 AND holder = ?', [holder]);
      if (!mine) return;
      await new Promise((r) => setTimeout(r, 100));
    }
  };
}

async function applyPending(conn: mariadb.Connection, dir: string, log: (m: string) => void): Promise<MigrationResult> {
  const result: MigrationResult = { applied: [], alreadyApplied: [] };
  await conn.query(BOOKKEEPING);
  const rows: Row[] = await conn.query('SELECT migration_name, checksum, finished_at, rolled_back_at, logs FROM _prisma_migrations');
  const failed = rows.find((r) => !r.finished_at && !r.rolled_back_at);
  if (failed) {
    throw new Error(`migration ${failed.migration_name} failed earlier and must be resolved by hand before others run:\n${failed.logs ?? ''}`);
  }
  const names = existsSync(dir)
    ? readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort()
    : [];
  for (const migrationName of names) {
    const sql = readFileSync(path.join(dir, migrationName, 'migration.sql'), 'utf8');
    const checksum = createHash('sha256').update(sql).digest('hex');
    const done = rows.find((r) => r.migration_name === migrationName && r.finished_at && !r.rolled_back_at);
    if (done) {
      if (done.checksum !== checksum) log(`warning: migration ${migrationName} was modified after it was applied`);
      result.alreadyApplied.push(migrationName);
      continue;
    }
    const id = randomUUID();
    await conn.query('INSERT INTO _prisma_migrations (id, checksum, migration_name, started_at, applied_steps_count) VALUES (?, ?, ?, NOW(3), 0)', [id, checksum, migrationName]);
    let steps = 0;
    try {
      for (const statement of statements(sql)) {
        await conn.query(statement);
        steps++;
      }
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      await conn.query('UPDATE _prisma_migrations SET logs = ?, applied_steps_count = ? WHERE id = ?', [message, steps, id]);
      throw new Error(`migration ${migrationName} failed at statement ${steps + 1}: ${message}`);
    }
    await conn.query('UPDATE _prisma_migrations SET finished_at = NOW(3), applied_steps_count = ? WHERE id = ?', [steps, id]);
    result.applied.push(migrationName);
    log(`applied migration ${migrationName}`);
  }
  return result;
}
