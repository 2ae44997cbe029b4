// Finding test files and running them with Node's test runner, shared by
// `npm test` (every tier) and `npm run test:unit` (the unit tier alone).
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');
export const TESTS_DIR = path.join(ROOT, 'tests');
/** Pure parsers and rules: no server, no database, no build. */
export const UNIT_DIR = path.join(TESTS_DIR, 'unit');

export function testFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) return name === 'helpers' ? [] : testFiles(p);
    return name.endsWith('.test.ts') ? [p] : [];
  }).sort();
}

/** Files whose path contains any of the substrings (all files when none are given). */
export function selectFiles(files: string[], filter: string[]): string[] {
  return files.filter((f) => filter.length === 0 || filter.some((s) => f.includes(s)));
}

export function isUnitTest(file: string): boolean {
  return file.startsWith(UNIT_DIR + path.sep);
}

/** Tests of S3 stores: the suite starts its private Ceph RGW only when a selected file is one of these. */
export const S3_DIR = path.join(TESTS_DIR, 'integration', 'stores');

/** Does the file need the test RGW? It lives in tests/integration/stores/, or uses tests/helpers/s3 or a TEST_S3_ variable. */
export function needsS3(file: string): boolean {
  if (file.startsWith(S3_DIR + path.sep)) return true;
  const source = readFileSync(file, 'utf8');
  return source.includes('TEST_S3_') || /helpers\/s3['"]/.test(source);
}

export function runNodeTests(files: string[], opts: { timeoutMs: number; env?: Record<string, string>; signal?: AbortSignal }): Promise<number> {
  const child = spawn(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', `--test-timeout=${opts.timeoutMs}`, ...files], {
    cwd: ROOT,
    stdio: 'inherit',
    env: { ...process.env, ...opts.env },
    signal: opts.signal, // aborting it SIGTERMs the runner
  });
  child.once('error', () => {}); // an abort is reported as an error as well as by the exit below
  return new Promise<number>((resolve) => child.once('exit', (code) => resolve(code ?? 1)));
}

/** The unit tier: seconds, so a minute is already a hang. */
export function runUnitTests(files: string[]): Promise<number> {
  return runNodeTests(files, { timeoutMs: 60_000 });
}
