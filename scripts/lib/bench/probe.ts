// `npm run bench -- --probe`: the shared probe (the one that measured real
// Glance) against our server, started the same way as the benchmark's.
// The probe lives in shared/ beside the clone: ../shared/tools from the repo root.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../server';
import type { BenchServer } from './harness';

export const PROBE = path.resolve(ROOT, '..', 'shared', 'tools', 'glance-bench.sh');

export function assertProbePresent(): void {
  if (!existsSync(PROBE)) throw new Error(`the shared probe is not at ${PROBE} (shared/ must sit beside the clone)`);
}

export async function runProbe(server: BenchServer, outDir: string, extraArgs: string[]): Promise<number> {
  mkdirSync(outDir, { recursive: true });
  const sizeMb = process.env.SIZE_MB ?? process.env.BENCH_SIZE_MB ?? '1024';
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    SIZE_MB: sizeMb,
    // The test file and the cp baseline in the run's dir, on the store's disk; removed with it.
    FILE: process.env.FILE ?? process.env.BENCH_FILE ?? path.join(server.dir, `glance-bench-${sizeMb}m.bin`),
    // The probe sums a pid's whole subtree and cannot leave a part out: the server
    // process's subtree holds MariaDB, so its RSS figure is server + MariaDB.
    RSS_PIDS: String(server.serverPid),
    DB_PIDS: String(server.dbPid),
    OUT_JSON: process.env.OUT_JSON ?? path.join(outDir, 'probe-results.json'),
  };
  console.log(`[bench] ${PROBE} ${server.url} (FILE=${env.FILE} RSS_PIDS=${env.RSS_PIDS} DB_PIDS=${env.DB_PIDS} OUT_JSON=${env.OUT_JSON})`);
  const child = spawn('bash', [PROBE, server.url, ...extraArgs], { stdio: 'inherit', env });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => resolve(code ?? 1));
  });
}
