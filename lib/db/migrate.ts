// Applies prisma/migrations/*/migration.sql the way `prisma migrate deploy`
// does, keeping Prisma's bookkeeping table `_prisma_migrations`, so that the
// stock Prisma CLI (on a machine that can download its engine) sees the same
// history. Needed because Prisma's schema engine cannot be downloaded here.
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

/** Create the database if needed, then apply every pending migration in order. */
export async function migrate(url: string, dir = migrationsDir(), log: (m: string) => void = () => {}): Promise<MigrationResult> {
  const name = databaseName(url);
  const admin = await mariadb.createConnection({ ...poolConfigFromUrl(url), database: undefined });
  try {
    await admin.query(`CREATE DATABASE IF NOT EXISTS \`${name.replace(/`/g, '``')}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  } finally {
    await admin.end();
  }
  const conn = await mariadb.createConnection(poolConfigFromUrl(url));
  const result: MigrationResult = { applied: [], alreadyApplied: [] };
  try {
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
  } finally {
    await conn.end();
  }
  return result;
}
