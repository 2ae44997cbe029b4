// CPU seconds of this benchmark's descendants, split by role (server main
// thread, server's other threads — hash workers, file I/O pool, GC —,
// Chromium's browser/network/renderer processes, the database, reaped curl),
// read from /proc. On a shared machine wall times are noisy; CPU seconds per
// phase say where the work goes whatever else runs.
import { readFileSync, readdirSync } from 'node:fs';

const HZ = 100; // USER_HZ

function ticks(statPath: string, withReaped = false): number {
  try {
    const s = readFileSync(statPath, 'utf8');
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return Number(f[11]) + Number(f[12]) + (withReaped ? Number(f[13]) + Number(f[14]) : 0);
  } catch {
    return 0; // gone meanwhile
  }
}

function parentOf(pid: string): number {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(s.slice(s.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return -1;
  }
}

function role(pid: number): string | null {
  let cmd: string;
  try {
    cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return null;
  }
  if (/chrom/i.test(cmd)) {
    if (cmd.includes('--type=renderer')) return 'chromium renderer';
    if (cmd.includes('NetworkService')) return 'chromium network service';
    if (cmd.includes('--type=')) return 'chromium other';
    return 'chromium browser process';
  }
  if (/mysqld|mariadbd/.test(cmd)) return 'mariadb';
  if (/\bnode\b|next-server/.test(cmd)) return 'server';
  return null;
}

const MAIN = 'server main thread (HTTP, streams, copies)';
const THREAD = 'server thread ';

/** Ticks per role now (server threads one by one). */
export function cpuSnapshot(): Map<string, number> {
  const kids = new Map<number, number[]>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    const pp = parentOf(d);
    kids.set(pp, [...(kids.get(pp) ?? []), Number(d)]);
  }
  const out = new Map<string, number>();
  const add = (k: string, v: number) => out.set(k, (out.get(k) ?? 0) + v);
  add('curl and other reaped children', ticks('/proc/self/stat', true) - ticks('/proc/self/stat'));
  const todo = [...(kids.get(process.pid) ?? [])];
  while (todo.length) {
    const pid = todo.pop()!;
    todo.push(...(kids.get(pid) ?? []));
    const r = role(pid);
    if (!r) continue;
    if (r !== 'server') {
      add(r, ticks(`/proc/${pid}/stat`));
      continue;
    }
    for (const tid of readdirSync(`/proc/${pid}/task`, { withFileTypes: false }) as string[]) {
      add(Number(tid) === pid ? MAIN : `${THREAD}${tid}`, ticks(`/proc/${pid}/task/${tid}/stat`));
    }
  }
  return out;
}

/**
 * CPU seconds per role between two snapshots, largest first. Of the server's
 * other threads the two busiest are its md5 and sha512 workers (they do most
 * of the work of an upload); the rest is file I/O and V8's own threads.
 */
export function cpuBetween(a: Map<string, number>, b: Map<string, number>): [string, number][] {
  const diff = [...b].map(([k, v]) => [k, (v - (a.get(k) ?? 0)) / HZ] as [string, number]);
  const threads = diff.filter(([k]) => k.startsWith(THREAD)).sort((x, y) => y[1] - x[1]);
  const sum = (xs: [string, number][]) => xs.reduce((t, [, s]) => t + s, 0);
  return [
    ...diff.filter(([k]) => !k.startsWith(THREAD)),
    ['server hash workers (2 busiest threads)', sum(threads.slice(0, 2))] as [string, number],
    ['server other threads (file I/O, GC)', sum(threads.slice(2))] as [string, number],
  ]
    .filter(([, s]) => s > 0.005)
    .sort((x, y) => y[1] - x[1]);
}
