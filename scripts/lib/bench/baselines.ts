// The machine's own limits on the test file, measured in the same run as the
// server: reading it (cat), hashing it (md5sum, sha512sum, serially and on two
// cores at once), Node hashing it in one pass as the server's StreamHasher does,
// copying it to the store's disk, and the loopback ceiling of any download:
// curl fetching as many bytes from a server that sends them from memory.
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { median, repeat, round, since, timeCommand } from './measure';

export interface Series {
  times_s: number[];
  median_s: number;
  median_MBps: number;
}

export interface Baselines {
  cat: Series;
  md5sum: Series;
  sha512sum: Series;
  /** md5sum + sha512sum medians: one core does both, as the server's upload does. */
  hash_serial_s: number;
  /** Both at once on two cores. */
  hash_parallel: Series;
  node_md5_sha512_one_pass: Series;
  cp_to_store_disk: Series;
  cp_plus_sync: Series;
  /** curl downloading the file's size from a minimal Node HTTP server that sends it from memory. */
  http_from_memory: Series;
  md5: string;
  sha512: string;
}

const series = (times: number[], bytes: number): Series => ({
  times_s: times.map((t) => round(t)),
  median_s: round(median(times)),
  median_MBps: round(bytes / 1e6 / median(times), 1),
});

// The server's hasher, standalone: md5 and sha512 updated with each 64 KiB
// chunk. It prints its own time so Node's start-up is not counted.
const NODE_HASH = `
const t0 = process.hrtime.bigint();
const { createHash } = require('node:crypto');
const m = createHash('md5'), s = createHash('sha512');
const r = require('node:fs').createReadStream(process.argv[1], { highWaterMark: 65536 });
r.on('data', (c) => { m.update(c); s.update(c); });
r.on('end', () => { m.digest(); s.digest(); console.log(Number(process.hrtime.bigint() - t0) / 1e9); });
`;

// A minimal HTTP server that answers every GET with BYTES bytes from three
// reused 1 MiB buffers (no file, no framework): what a download through
// Node's HTTP stack on this machine's loopback can reach at best.
const NODE_FROM_MEMORY = `
const size = Number(process.argv[1]);
const CH = 1 << 20, bufs = [0, 1, 2].map(() => Buffer.alloc(CH, 120));
const server = require('node:http').createServer(async (req, res) => {
  res.writeHead(200, { 'Content-Length': size });
  const writing = [];
  for (let sent = 0, i = 0; sent < size; i++) {
    const n = Math.min(CH, size - sent), k = i % 3;
    await writing[k];
    writing[k] = new Promise((ok) => res.write(n === CH ? bufs[k] : bufs[k].subarray(0, n), ok));
    sent += n;
  }
  await Promise.all(writing);
  res.end();
});
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
`;

async function httpFromMemory(bytes: number, runs: number): Promise<number[]> {
  const child = spawn(process.execPath, ['-e', NODE_FROM_MEMORY, String(bytes)], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const port = await new Promise<number>((resolve, reject) => {
      child.stdout.once('data', (d) => resolve(Number(String(d).trim())));
      child.once('exit', (code) => reject(new Error(`from-memory server exited with ${code}`)));
    });
    const url = `http://127.0.0.1:${port}/`;
    return await repeat(runs, async () => {
      const r = await timeCommand('curl', ['-sS', '-o', '/dev/null', '-w', '%{time_total} %{size_download}', url]);
      const [seconds, size] = r.stdout.trim().split(' ').map(Number);
      if (size !== bytes) throw new Error(`from-memory download got ${size} of ${bytes} bytes`);
      return seconds;
    });
  } finally {
    child.kill();
  }
}

export async function measureBaselines(file: string, bytes: number, storeDir: string, runs: number, log: (m: string) => void): Promise<Baselines> {
  await timeCommand('cat', [file], { discard: true }); // warm the page cache once
  const timed = (cmd: string, args: string[]) => async () => (await timeCommand(cmd, args, { discard: true })).seconds;

  const cat = await repeat(runs, timed('cat', [file]));
  log(`  cat: ${cat.map((t) => round(t)).join(' ')} s`);
  const md5sum = await repeat(runs, timed('md5sum', [file]));
  log(`  md5sum: ${md5sum.map((t) => round(t)).join(' ')} s`);
  const sha512sum = await repeat(runs, timed('sha512sum', [file]));
  log(`  sha512sum: ${sha512sum.map((t) => round(t)).join(' ')} s`);
  const parallel = await repeat(runs, async () => {
    const t0 = process.hrtime.bigint();
    await Promise.all([timeCommand('md5sum', [file], { discard: true }), timeCommand('sha512sum', [file], { discard: true })]);
    return since(t0);
  });
  log(`  md5sum & sha512sum in parallel: ${parallel.map((t) => round(t)).join(' ')} s`);
  const nodeHash = await repeat(runs, async () => Number((await timeCommand(process.execPath, ['-e', NODE_HASH, file])).stdout));
  log(`  node md5+sha512 one pass: ${nodeHash.map((t) => round(t)).join(' ')} s`);
  // Neither Glance's filesystem store nor ours fsyncs an upload; the flush after cp is timed separately, for reference.
  let n = 0;
  const syncAfterCp: number[] = [];
  const cp = await repeat(runs, async () => {
    const target = path.join(storeDir, `.bench-cp.${process.pid}.${n++}`);
    try {
      const seconds = (await timeCommand('cp', [file, target], { discard: true })).seconds;
      syncAfterCp.push((await timeCommand('sync', [], { discard: true })).seconds);
      return seconds;
    } finally {
      rmSync(target, { force: true });
    }
  });
  log(`  cp to the store's disk: ${cp.map((t) => round(t)).join(' ')} s, then sync: ${syncAfterCp.map((t) => round(t)).join(' ')} s`);

  const fromMemory = await httpFromMemory(bytes, runs);
  log(`  curl from a Node HTTP server sending from memory: ${fromMemory.map((t) => round(t)).join(' ')} s`);

  const [md5, sha512] = await Promise.all([timeCommand('md5sum', [file]), timeCommand('sha512sum', [file])]);
  return {
    cat: series(cat, bytes),
    md5sum: series(md5sum, bytes),
    sha512sum: series(sha512sum, bytes),
    hash_serial_s: round(median(md5sum) + median(sha512sum)),
    hash_parallel: series(parallel, bytes),
    node_md5_sha512_one_pass: series(nodeHash, bytes),
    cp_to_store_disk: series(cp, bytes),
    cp_plus_sync: series(cp.map((t, i) => t + syncAfterCp[i]), bytes),
    http_from_memory: series(fromMemory, bytes),
    md5: md5.stdout.split(' ')[0],
    sha512: sha512.stdout.split(' ')[0],
  };
}
