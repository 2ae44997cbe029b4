// Timing primitives for the benchmark: statistics and timed child processes.
import { spawn, spawnSync } from 'node:child_process';

export function median(xs: number[]): number {
  if (xs.length === 0) return NaN;
  const a = [...xs].sort((x, y) => x - y);
  const m = Math.floor(a.length / 2);
  return a.length % 2 ? a[m] : (a[m - 1] + a[m]) / 2;
}

/** Percentile with linear interpolation between ranks (as the shared probe computes it). */
export function percentile(xs: number[], p: number): number {
  if (xs.length === 0) return NaN;
  const a = [...xs].sort((x, y) => x - y);
  const k = ((a.length - 1) * p) / 100;
  const f = Math.floor(k);
  const c = Math.min(f + 1, a.length - 1);
  return a[f] + (a[c] - a[f]) * (k - f);
}

export const round = (x: number, digits = 3): number => Number(x.toFixed(digits));

/** Wall seconds since `t0` (from process.hrtime.bigint()). */
export function since(t0: bigint): number {
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

export interface CommandResult {
  seconds: number;
  stdout: string;
}

/** Run a program (no shell); stdout captured unless `discard`; fails on a non-zero exit. */
export function timeCommand(cmd: string, args: string[], opts: { discard?: boolean } = {}): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(cmd, args, { stdio: ['ignore', opts.discard ? 'ignore' : 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d) => (stdout += d));
    child.stderr?.on('data', (d) => (stderr += d));
    child.once('error', reject);
    child.once('close', (code) => {
      const seconds = since(t0);
      if (code === 0) resolve({ seconds, stdout });
      else reject(new Error(`${cmd} ${args.join(' ')} exited with ${code}: ${stderr.trim()}`));
    });
  });
}

/** Flush dirty pages (untimed) so each run starts without the previous run's writeback. */
export function syncDisks(): void {
  spawnSync('sync');
}

/** `runs` timings of `fn`, each preceded by an untimed sync. */
export async function repeat(runs: number, fn: () => Promise<number>): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    syncDisks();
    times.push(await fn());
  }
  return times;
}
