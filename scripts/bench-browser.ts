// npm run bench:browser [-- --size-mb N] [-- --chunk-mb N]: uploads one file
// through the console in headless Chromium (drop zone → tus → staging →
// import → active) and the same file with `PUT /v2/images/{id}/file` (curl),
// on one server with its own MariaDB, and reports both throughputs.
// The issue's figure is a 2 GiB file (the default); pass a smaller size on a
// shared machine.
import { randomBytes } from 'node:crypto';
import { mkdirSync, openSync, closeSync, rmSync, writeSync, writeFileSync } from 'node:fs';
import path from 'node:path';
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

async function main(): Promise<void> {
  const sizeMb = arg('--size-mb', 2048);
  const chunkMb = arg('--chunk-mb', 32);
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
  const { launchBrowser, signIn } = await import('../tests/helpers/browser');
  buildIfNeeded();
  const server = await startServer();
  const browser = await launchBrowser();
  try {
    const file = path.join(server.dir, `bench-${sizeMb}MiB.raw`);
    writeRandomFile(file, bytes);
    console.log(`[bench] ${sizeMb} MiB file, tus chunks of ${chunkMb} MiB`);

    await browser.context.addInitScript((size) => {
      if (location.protocol.startsWith('http')) localStorage.setItem('glance.console.chunkSize', String(size));
    }, chunkMb * 1024 * 1024);
    const page = await browser.newPage();
    await signIn(page, server);
    await page.getByTestId('file-input').setInputFiles(file);
    const card = page.getByTestId('upload-card').first();
    await card.getByRole('button', { name: 'Create and upload' }).waitFor();
    const t0 = performance.now();
    await card.getByRole('button', { name: 'Create and upload' }).click();
    await page.locator('[data-testid=upload-card][data-phase=importing], [data-testid=upload-card][data-phase=done]').first().waitFor({ timeout: 0 });
    const staged = performance.now() - t0;
    await page.locator('[data-testid=upload-card][data-phase=done]').waitFor({ timeout: 0 });
    const browserTotal = performance.now() - t0;
    const browserMd5 = await card.getByTestId('upload-checksum').innerText();
    // Server-side step times from the image's events (the page only polls for the end).
    const imageId = (await card.getAttribute('data-image-id'))!;
    const events = await server.query<{ action: string; at: string }>('select action, created_at as at from image_events where image_id = ?', [imageId]);
    const at = (a: string) => new Date(`${events.find((e) => e.action === a)!.at.replace(' ', 'T')}Z`).getTime();
    const transferMs = at('staged') - at('upload_started');
    const importMs = at('imported') - at('import_started');
    console.log(`[bench] console upload: active after ${(browserTotal / 1000).toFixed(2)} s (staged after ${(staged / 1000).toFixed(2)} s), md5 ${browserMd5}`);
    // Free the store before storing the same file again: a large file must not need twice its size on disk.
    const removed = await fetch(`${server.url}/v2/images/${imageId}`, { method: 'DELETE' });
    if (removed.status !== 204) throw new Error(`DELETE of the console-uploaded image answered ${removed.status}`);

    const created = await fetch(`${server.url}/v2/images`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'bench-put', disk_format: 'raw', container_format: 'bare' }),
    });
    const { id } = (await created.json()) as { id: string };
    const t1 = performance.now();
    // Not spawnSync: a blocked event loop misses the server closing fetch's idle
    // keep-alive connection, and the next fetch on it fails ("fetch failed").
    const put = await timeCommand('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code}', '-T', file, '-H', 'Content-Type: application/octet-stream', `${server.url}/v2/images/${id}/file`]);
    const putMs = performance.now() - t1;
    if (put.stdout !== '204') throw new Error(`PUT /file answered ${put.stdout}`);
    const putMd5 = ((await (await fetch(`${server.url}/v2/images/${id}`)).json()) as { checksum: string }).checksum;

    const result = {
      size_bytes: bytes,
      tus_chunk_bytes: chunkMb * 1024 * 1024,
      browser_upload: {
        staged_ms: Math.round(staged),
        active_ms: Math.round(browserTotal),
        staged_MiBps: +mibps(bytes, staged).toFixed(1),
        end_to_end_MiBps: +mibps(bytes, browserTotal).toFixed(1),
        server_transfer_ms: transferMs,
        server_import_ms: importMs,
        md5: browserMd5,
      },
      put_file: { active_ms: Math.round(putMs), MiBps: +mibps(bytes, putMs).toFixed(1), md5: putMd5 },
      same_checksum: browserMd5 === putMd5,
    };
    writeFileSync(path.join(outDir, 'result.json'), JSON.stringify(result, null, 2));
    console.log('');
    console.log(`| ${`upload of ${sizeMb} MiB`.padEnd(35)} | time to active | throughput   |`);
    console.log('|-------------------------------------|----------------|--------------|');
    console.log(`| console (Chromium, tus → import)    | ${(browserTotal / 1000).toFixed(2).padStart(12)} s | ${result.browser_upload.end_to_end_MiBps.toString().padStart(6)} MiB/s |`);
    console.log(`|   of which transfer to staging      | ${(staged / 1000).toFixed(2).padStart(12)} s | ${result.browser_upload.staged_MiBps.toString().padStart(6)} MiB/s |`);
    console.log(`|   server: created → first chunk     | ${((at('upload_started') - at('created')) / 1000).toFixed(2).padStart(12)} s |              |`);
    console.log(`|   server: first chunk → staged      | ${(transferMs / 1000).toFixed(2).padStart(12)} s | ${mibps(bytes, transferMs).toFixed(1).padStart(6)} MiB/s |`);
    console.log(`|   server: import into the store     | ${(importMs / 1000).toFixed(2).padStart(12)} s | ${mibps(bytes, importMs).toFixed(1).padStart(6)} MiB/s |`);
    console.log(`| PUT /v2/images/{id}/file (curl)     | ${(putMs / 1000).toFixed(2).padStart(12)} s | ${result.put_file.MiBps.toString().padStart(6)} MiB/s |`);
    console.log(`same md5 both ways: ${result.same_checksum} (${browserMd5})`);
    if (!result.same_checksum) process.exitCode = 1;
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
