// npm test: installs what the suite needs, starts a private MariaDB, builds
// the app, then runs every tests/**/*.test.ts with Node's test runner. Each
// test file starts its own server(s) on its own database (tests/helpers).
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { EmbeddedMariaDb } from './lib/embedded-mariadb';
import { ensureDebianPackages, MARIADB, TEST_TOOLS } from './lib/system-packages';
import { buildIfNeeded, ROOT } from './lib/server';

function testFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) return name === 'helpers' ? [] : testFiles(p);
    return name.endsWith('.test.ts') ? [p] : [];
  }).sort();
}

async function main(): Promise<number> {
  ensureDebianPackages([...MARIADB, ...TEST_TOOLS]);
  const outDir = path.join(ROOT, 'test-output');
  const dbDir = path.join(outDir, 'mariadb');
  rmSync(dbDir, { recursive: true, force: true });
  mkdirSync(dbDir, { recursive: true });
  // Durability relaxed: test data is thrown away.
  const db = new EmbeddedMariaDb({
    dir: dbDir,
    extraArgs: ['--innodb-flush-log-at-trx-commit=0', '--sync-binlog=0', '--innodb-doublewrite=0'],
    log: console.log,
  });
  await db.start();
  try {
    buildIfNeeded();
    const filter = process.argv.slice(2);
    const files = testFiles(path.join(ROOT, 'tests')).filter((f) => filter.length === 0 || filter.some((s) => f.includes(s)));
    const child = spawn(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-timeout=600000', ...files], {
      cwd: ROOT,
      stdio: 'inherit',
      env: { ...process.env, TEST_DATABASE_URL: db.adminUrl(), TEST_OUTPUT_DIR: outDir },
    });
    return await new Promise<number>((resolve) => child.once('exit', (code) => resolve(code ?? 1)));
  } finally {
    await db.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`[test] ${err instanceof Error ? err.stack : err}`);
    process.exit(1);
  },
);
