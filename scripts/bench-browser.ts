// npm run bench:browser [-- --size-mb N] [-- --chunk-mb N] (env RUNS, BENCH_SIZE_MB):
// uploads one file through the console in headless Chromium (drop zone → tus →
// staging → import → active) and the same file with `PUT /v2/images/{id}/file`
// (curl), on one server with its own MariaDB, RUNS times (alternating which
// goes first), and reports both throughputs, where the console's time went
// (the page's Resource Timing, the image's events) and the CPU seconds of each
// process (and server thread) per phase. Both must give the same digests.
// The issue's figure is a 2 GiB file (the default); pass a smaller size on a
// shared machine.
import { randomBytes } from 'node:crypto';
import { mkdirSync, openSync, closeSync, rmSync, writeSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { cpuBetween, cpuSnapshot } from './lib/bench/cpu-split';
import { timeCommand } from './lib/bench/measure';
import { EmbeddedMariaDb } from './lib/embedded-mariadb';
import { buildIfNeeded, ROOT } from './lib/server';
import { ensureDebianPackages, MARIADB, TEST_TOOLS } from './lib/system-packages';

function arg(name: string, fallback: number): number {
  const args = process.argv.slice(2);
  const i = args.indexOf(name);
  const v = i >= 0 ? Number(args[i + 1]) : fallback;
  if (!Number.isFinite(v) || v <= 0) throw new Error(`${name} must be a positive number`);
  return v;
}

/** A file of random bytes, written in slices (never the whole thing in memory). */
function writeRandomFile(file: string, bytes: number): void {
  const fd = openSync(file, 'w');
  const slice = 8 * 1024 * 1024;
  try {
    for (let done = 0; done < bytes; done += slice) writeSync(fd, randomBytes(Math.min(slice, bytes - done)));
  } finally {
    closeSync(fd);
  }
}

const mibps = (bytes: number, ms: number) => bytes / 1024 / 1024 / (ms / 1000);

interface RunResult {
  browser: { active_ms: number; staged_ms: number; md5: string; sha512: string; steps: [string, number][]; cpu: [string, number][]; importCpu: [string, number][] };
  put: { active_ms: number; md5: string; sha512: string; cpu: [string, number][] };
}

type Server = Awaited<ReturnType<typeof import('../tests/helpers/server').startServer>>;
type Browser = Awaited<ReturnType<typeof import('../tests/helpers/browser').launchBrowser>>;

async function digestsOf(server: Server, id: string): Promise<{ md5: string; sha512: string }> {
  const img = (await (await fetch(`${server.url}/v2/images/${id}`)).json()) as { checksum: string; os_hash_value: string };
  return { md5: img.checksum, sha512: img.os_hash_value };
}

async function remove(server: Server, id: string): Promise<void> {
  // Free the store before storing the same file again: a large file must not need twice its size on disk.
  const removed = await fetch(`${server.url}/v2/images/${id}`, { method: 'DELETE' });
  if (removed.status !== 204) throw new Error(`DELETE of image ${id} answered ${removed.status}`);
}

/** The PATCH requests' timings, as the page saw them (Resource Timing). */
interface Patch {
  start: number;
  requestStart: number;
  responseStart: number;
  end: number;
}

/** Console upload: drop zone → tus → staging → import → active, with where the time went. */
async function browserUpload(server: Server, browser: Browser, file: string): Promise<RunResult['browser']> {
  const { signIn } = await import('../tests/helpers/browser');
  const page = await browser.newPage();
  await signIn(page, server);
  await page.evaluate(() => {
    performance.setResourceTimingBufferSize(100_000);
    performance.clearResourceTimings();
  });
  await page.getByTestId('file-input').setInputFiles(file);
  const card = page.getByTestId('upload-card').first();
  await card.getByRole('button', { name: 'Create and upload' }).waitFor();
  const cpu0 = cpuSnapshot();
  const pageT0 = await page.evaluate(() => performance.now());
  const t0 = performance.now();
  await card.getByRole('button', { name: 'Create and upload' }).click();
  await page.locator('[data-testid=upload-card][data-phase=importing], [data-testid=upload-card][data-phase=done]').first().waitFor({ timeout: 0 });
  const staged = performance.now() - t0;
  const cpu1 = cpuSnapshot();
  await page.locator('[data-testid=upload-card][data-phase=done]').waitFor({ timeout: 0 });
  const total = performance.now() - t0;
  const cpu2 = cpuSnapshot();
  const imageId = (await card.getAttribute('data-image-id'))!;
  const patches = await page.evaluate(
    () =>
      (performance.getEntriesByType('resource') as PerformanceResourceTiming[])
        .filter((e) => e.name.includes('/api/console/uploads/') && (e.initiatorType === 'xmlhttprequest' || e.initiatorType === 'fetch'))
        .map((e) => ({ start: e.startTime, requestStart: e.requestStart, responseStart: e.responseStart, end: e.responseEnd })),
  );
  // Server-side step times from the image's events.
  const events = await server.query<{ action: string; at: string }>('select action, created_at as at from image_events where image_id = ?', [imageId]);
  const at = (a: string) => new Date(`${events.find((e) => e.action === a)!.at.replace(' ', 'T')}Z`).getTime();
  const created = at('created');
  const first = patches[0];
  const last = patches[patches.length - 1];
  const gaps = patches.slice(1).reduce((g, p, i) => g + Math.max(0, p.start - patches[i].end), 0);
  const waits = patches.reduce((w, p) => w + Math.max(0, p.responseStart - p.requestStart), 0);
  const steps: [string, number][] = [
    ['click → first PATCH sent (create image, tus POST)', first.start - pageT0],
    [`${patches.length} PATCH request(s), first sent → last answered`, last.end - first.start],
    ['  of which between PATCHes (browser: slice, XHR set-up)', gaps],
    ['server: first PATCH seen → all bytes staged', at('staged') - at('upload_started')],
    ['server: all bytes staged → import started', at('import_started') - at('staged')],
    ['server: import into the store (move, no hashing)', at('imported') - at('import_started')],
    ['server: imported → page shows active (poll)', total - (at('imported') - created) - (first.start - pageT0 - (at('upload_started') - created))],
  ];
  void waits;
  const digests = await digestsOf(server, imageId);
  const shown = await card.getByTestId('upload-checksum').innerText();
  if (shown !== digests.md5) throw new Error(`the page shows md5 ${shown}, the API ${digests.md5}`);
  await page.close();
  await remove(server, imageId);
  return { active_ms: total, staged_ms: staged, ...digests, steps, cpu: cpuBetween(cpu0, cpu1), importCpu: cpuBetween(cpu1, cpu2) };
}

async function putUpload(server: Server, file: string): Promise<RunResult['put']> {
  const created = await fetch(`${server.url}/v2/images`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ name: 'bench-put', disk_format: 'raw', container_format: 'bare' }),
  });
  const { id } = (await created.json()) as { id: string };
  const cpu0 = cpuSnapshot();
  const t1 = performance.now();
  // Not spawnSync: a blocked event loop misses the server closing fetch's idle
  // keep-alive connection, and the next fetch on it fails ("fetch failed").
  const put = await timeCommand('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code}', '-T', file, '-H', 'Content-Type: application/octet-stream', `${server.url}/v2/images/${id}/file`]);
  const ms = performance.now() - t1;
  const cpu = cpuBetween(cpu0, cpuSnapshot());
  if (put.stdout !== '204') throw new Error(`PUT /file answered ${put.stdout}`);
  const digests = await digestsOf(server, id);
  await remove(server, id);
  return { active_ms: ms, ...digests, cpu };
}

const secs = (ms: number) => `${(ms / 1000).toFixed(2).padStart(8)} s`;

function printRun(n: number, sizeMb: number, bytes: number, r: RunResult): void {
  const row = (label: string, value: string, rate = '') => console.log(`| ${label.padEnd(56)} | ${value} | ${rate.padStart(12)} |`);
  const rate = (ms: number) => `${mibps(bytes, ms).toFixed(1)} MiB/s`;
  console.log('');
  console.log(`run ${n}: upload of ${sizeMb} MiB`);
  console.log(`| ${'step'.padEnd(56)} | ${'time'.padStart(10)} | ${'throughput'.padStart(12)} |`);
  console.log(`|${'-'.repeat(58)}|${'-'.repeat(12)}|${'-'.repeat(14)}|`);
  row('console (Chromium, tus → import): click → active', secs(r.browser.active_ms), rate(r.browser.active_ms));
  for (const [label, ms] of r.browser.steps) row(`  ${label}`, secs(ms), label.includes('→') && !label.includes('poll') && !label.includes('import started') ? rate(ms) : '');
  row('PUT /v2/images/{id}/file (curl): send → 204 (active)', secs(r.put.active_ms), rate(r.put.active_ms));
  row('browser / curl throughput', `${(r.put.active_ms / r.browser.active_ms).toFixed(2).padStart(9)}×`);
  const cpu = (title: string, rows: [string, number][]) => {
    console.log(`CPU seconds, ${title}: ${rows.map(([k, s]) => `${k} ${s.toFixed(2)}`).join(', ')}`);
  };
  cpu('console transfer (click → staged)', r.browser.cpu);
  cpu('console import (staged → active)', r.browser.importCpu);
  cpu('PUT /file', r.put.cpu);
}

async function main(): Promise<void> {
  const sizeMb = arg('--size-mb', Number(process.env.BENCH_SIZE_MB ?? 2048));
  const chunkMb = process.argv.includes('--chunk-mb') ? arg('--chunk-mb', 0) : null;
  const runs = Number(process.env.RUNS ?? 1);
  const bytes = Math.round(sizeMb * 1024 * 1024);
  ensureDebianPackages([...MARIADB, ...TEST_TOOLS]);
  const outDir = path.join(ROOT, 'test-output', 'bench-browser');
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  process.env.TEST_OUTPUT_DIR ??= outDir;
  const db = new EmbeddedMariaDb({ dir: path.join(outDir, 'mariadb'), log: console.log });
  await db.start();
  process.env.TEST_DATABASE_URL = db.adminUrl();
  // Loaded after TEST_DATABASE_URL is set; they are test helpers reused as-is.
  const { startServer, removeDir } = await import('../tests/helpers/server');
  const { launchBrowser } = await import('../tests/helpers/browser');
  buildIfNeeded();
  const server = await startServer();
  const browser = await launchBrowser();
  const results: RunResult[] = [];
  try {
    const file = path.join(server.dir, `bench-${sizeMb}MiB.raw`);
    writeRandomFile(file, bytes);
    console.log(`[bench] ${sizeMb} MiB file, ${runs} run(s), tus chunks: ${chunkMb ? `${chunkMb} MiB` : "the console's default"}`);
    if (chunkMb) {
      await browser.context.addInitScript((size) => {
        if (location.protocol.startsWith('http')) localStorage.setItem('glance.console.chunkSize', String(size));
      }, chunkMb * 1024 * 1024);
    }
    for (let n = 1; n <= runs; n++) {
      // Alternate which goes first: the page cache and the machine's other load favour neither.
      let put: RunResult['put'];
      let b: RunResult['browser'];
      if (n % 2) {
        b = await browserUpload(server, browser, file);
        put = await putUpload(server, file);
      } else {
        put = await putUpload(server, file);
        b = await browserUpload(server, browser, file);
      }
      const r = { browser: b, put };
      results.push(r);
      printRun(n, sizeMb, bytes, r);
      if (b.md5 !== put.md5 || b.sha512 !== put.sha512) {
        console.error(`[bench] digests differ: console md5 ${b.md5} sha512 ${b.sha512}, PUT md5 ${put.md5} sha512 ${put.sha512}`);
        process.exitCode = 1;
      } else console.log(`same checksum and os_hash_value both ways: ${b.md5}, ${b.sha512.slice(0, 16)}…`);
    }
    writeFileSync(path.join(outDir, 'result.json'), JSON.stringify({ size_bytes: bytes, tus_chunk_mb: chunkMb, runs: results }, null, 2));
    const ratios = results.map((r) => r.put.active_ms / r.browser.active_ms);
    console.log(`\nbrowser / curl throughput per run: ${ratios.map((x) => `${x.toFixed(2)}×`).join(', ')}`);
    if (browser.errors.length) console.warn(`[bench] browser console errors:\n${browser.errors.join('\n')}`);
  } finally {
    await browser.close();
    await server.stop();
    removeDir(server.dir);
    await db.stop();
  }
}

main().catch((err) => {
  console.error(`[bench] ${err instanceof Error ? err.stack : err}`);
  process.exit(1);
});
