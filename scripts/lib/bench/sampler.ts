// What the service costs while a phase runs, read from /proc: peak resident
// memory of the process tree `npm start` keeps alive (the sum of VmRSS over
// npm and its descendants, the database's process counted apart), and CPU
// seconds of that tree, the database, this benchmark process (with its reaped
// curl and hash children) and everything else on the machine (noise).
import { readFileSync, readdirSync } from 'node:fs';
import { round } from './measure';

const HZ = 100; // USER_HZ: the unit of /proc/<pid>/stat times on Linux

function statFields(pid: number | 'self'): string[] | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null; // exited meanwhile
  }
}

function childrenMap(): Map<number, number[]> {
  const m = new Map<number, number[]>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    const f = statFields(Number(d));
    if (!f) continue;
    const ppid = Number(f[1]);
    const list = m.get(ppid) ?? [];
    list.push(Number(d));
    m.set(ppid, list);
  }
  return m;
}

/** `root` and its descendants, leaving out `apart` (the database) and its own. */
export function processTree(root: number, m = childrenMap(), apart?: number): number[] {
  const out: number[] = [];
  const todo = [root];
  while (todo.length) {
    const p = todo.pop()!;
    if (p === apart) continue;
    out.push(p);
    todo.push(...(m.get(p) ?? []));
  }
  return out;
}

function rssKb(pid: number): number {
  try {
    const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'));
    return line ? Number(line.split(/\s+/)[1]) : 0;
  } catch {
    return 0;
  }
}

function processName(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '?';
  }
}

export function treeRssKb(root: number, m = childrenMap(), apart?: number): { totalKb: number; perPidKb: Record<string, number> } {
  const perPidKb: Record<string, number> = {};
  let totalKb = 0;
  for (const p of processTree(root, m, apart)) {
    const kb = rssKb(p);
    perPidKb[`${p} ${processName(p)}`] = kb;
    totalKb += kb;
  }
  return { totalKb, perPidKb };
}

/** utime + stime (+ reaped children's, for our own process), seconds. */
function cpuSeconds(pid: number | 'self', withReaped = false): number {
  const f = statFields(pid);
  if (!f) return 0;
  const t = Number(f[11]) + Number(f[12]) + (withReaped ? Number(f[13]) + Number(f[14]) : 0);
  return t / HZ;
}

/** Machine-wide busy CPU seconds (everything but idle and iowait). */
function machineBusySeconds(): number {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const total = f.reduce((a, b) => a + b, 0);
  return (total - f[3] - f[4]) / HZ;
}

export interface PhaseStats {
  wall_s: number;
  rss_max_kb: number;
  rss_max_per_pid_kb: Record<string, number>;
  cpu_s: { server: number; db: number; bench_client: number; other_processes: number; machine_busy: number };
  machine_busy_pct: number;
  samples: number;
}

/**
 * Samples every `intervalMs` until stopped. Server CPU is summed per pid seen,
 * so short-lived workers count; a pid first seen mid-phase counts from zero.
 */
export class PhaseSampler {
  private maxKb = 0;
  private maxPerPid: Record<string, number> = {};
  private samples = 0;
  private timer: NodeJS.Timeout | null = null;
  private readonly serverCpu = new Map<number, { first: number; last: number }>();
  private readonly t0 = process.hrtime.bigint();
  private readonly busy0 = machineBusySeconds();
  private readonly db0: number;
  private readonly self0 = cpuSeconds('self', true);

  constructor(private readonly serverPid: number, private readonly dbPid: number, private readonly intervalMs = 100) {
    this.db0 = cpuSeconds(dbPid);
    this.sample(true);
    this.timer = setInterval(() => this.sample(false), this.intervalMs);
  }

  private sample(initial: boolean): void {
    const m = childrenMap();
    const { totalKb, perPidKb } = treeRssKb(this.serverPid, m, this.dbPid);
    this.samples++;
    if (totalKb > this.maxKb) {
      this.maxKb = totalKb;
      this.maxPerPid = perPidKb;
    }
    for (const p of processTree(this.serverPid, m, this.dbPid)) {
      const c = cpuSeconds(p);
      const seen = this.serverCpu.get(p);
      if (seen) seen.last = c;
      else this.serverCpu.set(p, { first: initial ? c : 0, last: c });
    }
  }

  stop(): PhaseStats {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.sample(false);
    const wall = Number(process.hrtime.bigint() - this.t0) / 1e9;
    const busy = machineBusySeconds() - this.busy0;
    const server = [...this.serverCpu.values()].reduce((a, c) => a + (c.last - c.first), 0);
    const db = cpuSeconds(this.dbPid) - this.db0;
    const client = cpuSeconds('self', true) - this.self0;
    return {
      wall_s: round(wall, 2),
      rss_max_kb: this.maxKb,
      rss_max_per_pid_kb: this.maxPerPid,
      cpu_s: {
        server: round(server, 2),
        db: round(db, 2),
        bench_client: round(client, 2),
        other_processes: round(Math.max(0, busy - server - db - client), 2),
        machine_busy: round(busy, 2),
      },
      machine_busy_pct: round((100 * busy) / Math.max(1e-9, wall * cpuCount()), 1),
      samples: this.samples,
    };
  }
}

function cpuCount(): number {
  return readFileSync('/proc/stat', 'utf8').split('\n').filter((l) => /^cpu\d+ /.test(l)).length || 1;
}

/** Runs `fn` while sampling; returns its result and the phase's stats. */
export async function sampled<T>(serverPid: number, dbPid: number, fn: () => Promise<T>): Promise<{ result: T; stats: PhaseStats }> {
  const sampler = new PhaseSampler(serverPid, dbPid);
  let result: T;
  try {
    result = await fn();
  } catch (err) {
    sampler.stop();
    throw err;
  }
  return { result, stats: sampler.stop() };
}
