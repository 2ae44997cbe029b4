// Resident memory of a process tree (a root pid and all its descendants), read
// from /proc the way the shared probe does: the sum of VmRSS over the tree.
import { readFileSync, readdirSync } from 'node:fs';

function childrenMap(): Map<number, number[]> {
  const m = new Map<number, number[]>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = m.get(ppid) ?? [];
      list.push(Number(d));
      m.set(ppid, list);
    } catch {
      /* exited meanwhile */
    }
  }
  return m;
}

export function processTree(root: number): number[] {
  const m = childrenMap();
  const out: number[] = [];
  const todo = [root];
  while (todo.length) {
    const p = todo.pop()!;
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

export function treeRssKb(root: number): { totalKb: number; perPidKb: Record<string, number> } {
  const perPidKb: Record<string, number> = {};
  let totalKb = 0;
  for (const p of processTree(root)) {
    const kb = rssKb(p);
    perPidKb[String(p)] = kb;
    totalKb += kb;
  }
  return { totalKb, perPidKb };
}

export interface RssPeak {
  maxKb: number;
  maxPerPidKb: Record<string, number>;
  samples: number;
}

/** Samples a tree's RSS every `intervalMs` until stopped; reports the peak. */
export class RssSampler {
  private peak: RssPeak = { maxKb: 0, maxPerPidKb: {}, samples: 0 };
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly root: number, private readonly intervalMs = 100) {}

  start(): this {
    this.sample();
    this.timer = setInterval(() => this.sample(), this.intervalMs);
    return this;
  }

  private sample(): void {
    const { totalKb, perPidKb } = treeRssKb(this.root);
    this.peak.samples++;
    if (totalKb > this.peak.maxKb) this.peak = { ...this.peak, maxKb: totalKb, maxPerPidKb: perPidKb };
  }

  stop(): RssPeak {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.sample();
    return this.peak;
  }
}

/** Peak RSS of a tree while `fn` runs. */
export async function withRss<T>(root: number, fn: () => Promise<T>): Promise<{ result: T; rss: RssPeak }> {
  const sampler = new RssSampler(root).start();
  let result: T;
  try {
    result = await fn();
  } catch (err) {
    sampler.stop();
    throw err;
  }
  return { result, rss: sampler.stop() };
}
