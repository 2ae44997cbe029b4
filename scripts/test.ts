// npm test: runs the unit tier (tests/unit) first and stops there if it
// fails; then installs what the rest needs, starts a private MariaDB, builds
// the app, and runs every other tests/**/*.test.ts with Node's test runner.
// Each of those files starts its own server(s) on its own database
// (tests/helpers). Arguments filter the files of both by substring.
// When a selected file needs S3 (test-runner.ts needsS3), a private Ceph RGW
// starts beside MariaDB and its endpoint and keys reach the tests as TEST_S3_*.
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { EmbeddedMariaDb } from './lib/embedded-mariadb';
import { PrivateCephRgw } from './lib/ceph-rgw';
import { CEPH, ensureDebianPackages, MARIADB, TEST_TOOLS } from './lib/system-packages';
import { buildIfNeeded, ROOT } from './lib/server';
import { isUnitTest, needsS3, runNodeTests, runUnitTests, selectFiles, testFiles, TESTS_DIR } from './lib/test-runner';

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

  const s3 = rest.some(needsS3);
  ensureDebianPackages([...MARIADB, ...TEST_TOOLS, ...(s3 ? CEPH : [])]);
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
  let rgw: PrivateCephRgw | null = null;
  if (s3) {
    const cephDir = path.join(outDir, 'ceph');
    rmSync(cephDir, { recursive: true, force: true }); // a run that was killed outright leaves it behind
    rgw = new PrivateCephRgw({ dir: cephDir, log: console.log });
  }
  // Ctrl-C or SIGTERM: stop the test runner and the daemons; the finally below waits for them and cleans up.
  const interrupt = new AbortController();
  let signalled: NodeJS.Signals | null = null;
  const onSignal = (sig: NodeJS.Signals) => {
    if (signalled) return;
    signalled = sig;
    console.error(`[test] ${sig}: stopping`);
    interrupt.abort();
    db.kill();
    rgw?.kill();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    // MariaDB and Ceph start in parallel; both are awaited so that neither is left running unseen.
    const started = await Promise.allSettled([db.start(), rgw?.start()]);
    const failed = started.find((r) => r.status === 'rejected');
    if (signalled) return 128 + (signalled === 'SIGINT' ? 2 : 15);
    if (failed) throw failed.reason;
    buildIfNeeded();
    const env: Record<string, string> = { TEST_DATABASE_URL: db.adminUrl(), TEST_OUTPUT_DIR: outDir };
    if (rgw) {
      Object.assign(env, {
        TEST_S3_ENDPOINT: rgw.endpoint,
        TEST_S3_ACCESS_KEY: rgw.accessKey,
        TEST_S3_SECRET_KEY: rgw.secretKey,
        TEST_S3_REGION: rgw.region,
        // The SDK pin (3.1175, Node 20) is deliberate; its notice about Node 22 is noise in every test's output.
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      });
    }
    // Per file: the seed lab through the real CLI takes ~4 min alone and over 10 on a machine shared with
    // other work; a hung file still fails well inside CI's 90 minutes.
    const code = await runNodeTests(rest, { timeoutMs: 1_200_000, env, signal: interrupt.signal });
    return signalled ? 128 + (signalled === 'SIGINT' ? 2 : 15) : code;
  } finally {
    await Promise.all([db.stop(), rgw?.stop()]);
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`[test] ${err instanceof Error ? err.stack : err}`);
    process.exit(1);
  },
);
