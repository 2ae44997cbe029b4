// The benchmark's table: our figures beside real Glance's, measured with the
// shared probe on the same kind of machine (/work/shared/reference/glance-performance.md).

export const GLANCE = {
  upload: { seconds: 4.93, MBps: 218 },
  download: { seconds: 0.55, MBps: 1945 },
  cat: { seconds: 0.16, MBps: 6628 },
  create: { reqPerS: 85, p50: 62, p99: 429 },
  list25: { p50: 34, p99: 112 },
  list1000: { p50: 455, p99: 642 },
  listName: { p50: 24, p99: 104 },
  rssMiB: { idle: 399, upload: 399, list: 435 },
  limits: { md5sum: 1.88, sha512sum: 1.92, hashSerial: 3.8, hashParallel: 1.9 },
};

export const TARGETS = {
  uploadOfHashLimit: 0.8,
  downloadOfCat: 0.7,
  list25P99Ms: 50,
  uploadRssBytes: 300e6,
  /** S3 (issue 11): through the service at least this share of a direct client's throughput. */
  s3OfDirect: 0.8,
  /** Import (issue 12): glance-direct and web-download at least this share of PUT /file's throughput. */
  importOfUpload: 0.9,
  /** copy-image into a second file store: this share of the serial hashing limit, as the upload. */
  copyOfHashLimit: 0.8,
};

export type Row = [what: string, ours: string, glance: string, target: string, verdict: string];

export const verdict = (ok: boolean | null): string => (ok === null ? '' : ok ? 'ok' : 'MISSED');
export const mib = (kb: number): string => `${(kb / 1024).toFixed(0)} MiB`;
/** Glance's figure for its 1 GiB file, as seconds and MB/s (MB/s compares across file sizes). */
export const glanceGiB = (seconds: number, MBps = Math.round(1073741824 / 1e6 / seconds)): string => `${seconds} s/GiB = ${MBps} MB/s`;
export const pct = (x: number): string => `${(x * 100).toFixed(0)}%`;

export function renderTable(title: string, rows: Row[]): string {
  const head: Row = ['measurement', 'ours', 'real Glance', 'limit / target', ''];
  const all = [head, ...rows];
  const widths = head.map((_, i) => Math.max(...all.map((r) => r[i].length)));
  const line = (r: Row) => `| ${r.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  const sep = `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`;
  return [title, line(head), sep, ...rows.map(line)].join('\n');
}
