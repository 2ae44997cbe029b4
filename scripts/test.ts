// npm test: runs the unit tier (tests/unit) first and stops there if it
// fails; then installs what the rest needs, starts a private MariaDB, builds
// the app, and runs every other tests/**/*.test.ts with Node's test runner.
// Each of those files starts its own server(s) on its own database
// (tests/helpers). Arguments filter the files of both by substring.
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { EmbeddedMariaDb } from './lib/embedded-mariadb';
import { ensureDebianPackages, MARIADB, TEST_TOOLS } from './lib/system-packages';
import { buildIfNeeded, ROOT } from './lib/server';
import { isUnitTest, runNodeTests, runUnitTests, selectFiles, testFiles, TESTS_DIR } from './lib/test-runner';

async function main(): Promise<number> {
  const files = selectFiles(testFiles(TESTS_DIR), process.argv.slice(2));
  if (files.length === 0) {
    console.error('[test] no test file matches');
    return 1;
  }
  const unit = files.filter(isUnitTest);
  if (unit.length > 0) {
    const code = await runUnitTests(unit);
    if (code !== 0) {
      console.error('[test] the unit tier failed; not starting the database or the build');
      return code;
    }
  }
  const rest = files.filter((f) => !isUnitTest(f));
  if (rest.length === 0) return 0;

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
    return await runNodeTests(rest, { timeoutMs: 600_000, env: { TEST_DATABASE_URL: db.adminUrl(), TEST_OUTPUT_DIR: outDir } });
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
