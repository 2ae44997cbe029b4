// npm run bench: starts its own MariaDB and server (noauth, store on the test
// file's disk), measures upload, download, interoperable import
// (glance-direct, web-download, copy-image), create rate, list latency and
// server memory beside this machine's own limits, prints them next to real
// Glance's figures and writes bench-output/results.json.
//
//   npm run bench                 # full size: 1 GiB file, RUNS=3, N_CREATE=2000, N_LIST=10000, CONC=8
//   npm run bench -- --probe      # the shared probe (../shared/tools/glance-bench.sh) against our server
//
// Env: BENCH_SIZE_MB, RUNS, N_CREATE, N_LIST, CONC, LIST_REQS (>= 50 advised),
// LIST_FILL=auto|api|sql, LIST_FILL_API_MAX_S (auto: the API unless slower than this),
// BENCH_FILE (reuse a test file), BENCH_DIR (parent of the run's temp dir), BENCH_KEEP=1,
// BENCH_S3=0 (leave out the S3 section and its private Ceph RGW), BENCH_ONLY=s3 (the S3 section
// alone, on a fresh warmed-up server: for A/B runs of the S3 driver; its RSS is lower than in the
// full run, where the server has aged through the file-store phases first),
// BENCH_ONLY=imports (only the upload and import rows: A/B runs of the import paths).
import { existsSync, mkdirSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { measureBaselines, type Baselines } from './lib/bench/baselines';
import { countLiveImages, insertImages } from './lib/bench/fill';
import { startBenchServer, type BenchServer } from './lib/bench/harness';
import { createLoad, curlDownload, curlUpload, downloadMd5, imageBody, keepAliveAgent, request, sequentialGets, type GetLatency } from './lib/bench/http-load';
import { median, round, since, syncDisks, timeCommand } from './lib/bench/measure';
import { assertProbePresent, runProbe } from './lib/bench/probe';
import { GLANCE, glanceGiB, mib, pct, renderTable, TARGETS, verdict, type Row } from './lib/bench/report';
import { sampled, treeRssKb, type PhaseStats } from './lib/bench/sampler';
import { benchImports, benchStoresConfig, COPY_STORE_ID, importFilteringConfig, startWebSource, type ImportResults } from './lib/bench/imports';
import { benchS3, s3Backend, type S3Results } from './lib/bench/s3';
import { benchCache, type CacheResults } from './lib/bench/cache';
import { PrivateCephRgw } from './lib/ceph-rgw';
import { CEPH, ensureDebianPackages, MARIADB, type Need } from './lib/system-packages';
import { freePort, ROOT } from './lib/server';

// python3: the probe, and the web-download source server (imports.ts).
const BENCH_TOOLS: Need[] = [{ file: '/usr/bin/curl', pkg: 'curl' }, { file: '/usr/bin/python3', pkg: 'python3' }];
const PROBE_TOOLS: Need[] = BENCH_TOOLS;
const OUT_DIR = path.join(ROOT, 'bench-output');

function envInt(name: string, fallback: number, min = 0): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < min) throw new Error(`${name} must be an integer >= ${min}, got "${raw}"`);
  return n;
}

const settings = {
  sizeMb: envInt('BENCH_SIZE_MB', 1024, 1),
  runs: envInt('RUNS', 3, 1),
  nCreate: envInt('N_CREATE', 2000, 1),
  nList: envInt('N_LIST', 10000, 1),
  conc: envInt('CONC', 8, 1),
  listReqs: envInt('LIST_REQS', 50, 1),
  listFill: (process.env.LIST_FILL ?? 'auto') as 'auto' | 'api' | 'sql',
  listFillApiMaxS: envInt('LIST_FILL_API_MAX_S', 180, 0),
  s3: process.env.BENCH_S3 !== '0',
  only: process.env.BENCH_ONLY ?? '',
};
if (!['', 's3', 'imports'].includes(settings.only)) throw new Error('BENCH_ONLY must be empty, s3 or imports');
if (settings.only === 's3' && !settings.s3) throw new Error('BENCH_ONLY=s3 contradicts BENCH_S3=0');
if (!['auto', 'api', 'sql'].includes(settings.listFill)) throw new Error('LIST_FILL must be auto, api or sql');

const log = (m: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${m}`);
const MB = (bytes: number, seconds: number) => round(bytes / 1e6 / seconds, 1);

async function testFile(server: BenchServer): Promise<string> {
  const file = process.env.BENCH_FILE || path.join(server.dir, `bench-${settings.sizeMb}m.bin`);
  if (!existsSync(file)) {
    log(`creating ${file} (${settings.sizeMb} MiB from /dev/urandom)`);
    await timeCommand('sh', ['-c', `head -c ${settings.sizeMb * 1048576} /dev/urandom > "$0"`, file]);
  }
  if (statSync(file).dev !== statSync(server.storeDir).dev) {
    log(`WARNING: ${file} is not on the store's disk (${server.storeDir}); the cp baseline compares different disks`);
  }
  return file;
}

/** Load every route the bench uses once, so "idle" is a warmed-up server, not a cold one. */
async function warmUp(base: string): Promise<void> {
  const agent = keepAliveAgent(1);
  const created = await request(agent, `${base}/v2/images`, 'POST', imageBody('bench-warmup'));
  if (created.status !== 201) throw new Error(`warm-up create failed: ${created.status} ${created.body}`);
  await request(agent, `${base}/v2/images/${created.json.id}`, 'GET');
  await request(agent, `${base}/v2/images?limit=25`, 'GET');
  await request(agent, `${base}/v2/images/${created.json.id}/file`, 'GET');
  const del = await request(agent, `${base}/v2/images/${created.json.id}`, 'DELETE');
  if (del.status !== 204) throw new Error(`warm-up delete failed: ${del.status}`);
  agent.destroy();
}


interface UploadRun { id: string; http: string; create_plus_put_s: number; put_s: number; status: string; checksum_ok: boolean; sha512_ok: boolean }

async function uploads(base: string, file: string, baselines: Baselines): Promise<UploadRun[]> {
  const agent = keepAliveAgent(1);
  const runs: UploadRun[] = [];
  for (let r = 1; r <= settings.runs; r++) {
    syncDisks(); // untimed: no dirty pages from the previous run
    const t0 = process.hrtime.bigint();
    const created = await request(agent, `${base}/v2/images`, 'POST', imageBody(`bench-upload-${r}`));
    if (created.status !== 201) throw new Error(`create failed: ${created.status} ${created.body}`);
    const put = await curlUpload(base, created.json.id, file);
    const wall = since(t0);
    const image = (await request(agent, `${base}/v2/images/${created.json.id}`, 'GET')).json;
    const run: UploadRun = {
      id: created.json.id,
      http: put.http,
      create_plus_put_s: round(wall),
      put_s: round(put.seconds),
      status: image.status,
      checksum_ok: image.checksum === baselines.md5,
      sha512_ok: image.os_hash_value === baselines.sha512,
    };
    log(`  run ${r}: http ${run.http}, create+put ${run.create_plus_put_s} s, put ${run.put_s} s, ${run.status}, md5 ${run.checksum_ok ? 'ok' : 'WRONG'}, sha512 ${run.sha512_ok ? 'ok' : 'WRONG'}`);
    if (put.http !== '204' || image.status !== 'active') throw new Error(`upload run ${r} failed: http ${put.http}, status ${image.status}`);
    runs.push(run);
  }
  agent.destroy();
  return runs;
}

/** The import section against the bench's static source server; the uploaded images (copy-image's sources) deleted after. */
async function importSection(server: BenchServer, webSourcePort: number, file: string, bytes: number, baselines: Baselines, uploaded: UploadRun[], upMedian: number): Promise<ImportResults> {
  const source = await startWebSource(file, webSourcePort);
  let imports: ImportResults;
  try {
    const limits = { md5: baselines.md5, sha512: baselines.sha512, hash_serial_s: baselines.hash_serial_s, upload_median_s: upMedian };
    imports = await benchImports(server, source, file, bytes, limits, uploaded.map((u) => u.id), settings.runs, log);
  } finally {
    source.stop();
  }
  const agent = keepAliveAgent(1);
  for (const u of uploaded) await request(agent, `${server.url}/v2/images/${u.id}`, 'DELETE');
  agent.destroy();
  return imports;
}

async function downloads(base: string, id: string, bytes: number): Promise<{ runs: { http: string; seconds: number; bytes: number }[] }> {
  syncDisks(); // untimed: flush the uploads' writeback first
  const runs = [];
  for (let r = 1; r <= settings.runs; r++) {
    const d = await curlDownload(base, id);
    log(`  run ${r}: http ${d.http}, ${d.seconds} s, ${d.bytes} bytes`);
    if (d.http !== '200' || d.bytes !== bytes) throw new Error(`download run ${r} failed: http ${d.http}, ${d.bytes} of ${bytes} bytes`);
    runs.push(d);
  }
  return { runs };
}

/** Bring the live image count up to N_LIST: through the API, or by SQL when that would take too long. */
async function fillForList(server: BenchServer, createRate: number): Promise<{ method: string; added: number; seconds: number; visible: number }> {
  const have = await countLiveImages(server.databaseUrl);
  const missing = Math.max(0, settings.nList - have);
  const estimate = missing / Math.max(createRate, 0.1);
  const method = missing === 0 ? 'none' : settings.listFill === 'auto' ? (estimate <= settings.listFillApiMaxS ? 'api' : 'sql') : settings.listFill;
  log(`list fill: ${have} images, ${missing} to add by ${method}${method === 'api' || settings.listFill === 'auto' ? ` (API estimate ${round(estimate, 0)} s)` : ''}`);
  const t0 = process.hrtime.bigint();
  if (method === 'api') {
    const r = await createLoad(server.url, missing, settings.conc, 'bench-l');
    if (Object.keys(r.errors).length) throw new Error(`list fill: create errors ${JSON.stringify(r.errors)}`);
  } else if (method === 'sql') {
    await insertImages(server.databaseUrl, missing, 'bench-l', 0, 'admin');
  }
  const seconds = round(since(t0), 1);
  const visible = await countLiveImages(server.databaseUrl);
  return { method, added: missing, seconds, visible };
}

function table(r: Results): string {
  const b = r.baselines;
  const up = r.upload;
  const down = r.download;
  const [l25, l1000, lName] = r.list.queries;
  const rows: Row[] = [
    ['cat FILE > /dev/null', `${b.cat.median_s} s = ${b.cat.median_MBps} MB/s`, glanceGiB(GLANCE.cat.seconds, GLANCE.cat.MBps), '', ''],
    ['md5sum', `${b.md5sum.median_s} s = ${b.md5sum.median_MBps} MB/s`, glanceGiB(GLANCE.limits.md5sum), '', ''],
    ['sha512sum', `${b.sha512sum.median_s} s = ${b.sha512sum.median_MBps} MB/s`, glanceGiB(GLANCE.limits.sha512sum), '', ''],
    ['hashing limit, serial (md5sum + sha512sum)', `${b.hash_serial_s} s = ${MB(r.bytes, b.hash_serial_s)} MB/s`, glanceGiB(GLANCE.limits.hashSerial), '', ''],
    ['hashing limit, parallel (two cores)', `${b.hash_parallel.median_s} s = ${b.hash_parallel.median_MBps} MB/s`, `~${glanceGiB(GLANCE.limits.hashParallel)}`, '', ''],
    ['node md5+sha512 one pass (server hasher)', `${b.node_md5_sha512_one_pass.median_s} s = ${b.node_md5_sha512_one_pass.median_MBps} MB/s`, '', '', ''],
    ['cp to the store disk (+ sync)', `${b.cp_to_store_disk.median_s} s (${b.cp_plus_sync.median_s} s)`, '', '', ''],
    [`upload ${settings.sizeMb} MiB (create + PUT)`, `${up.median_s} s = ${up.median_MBps} MB/s`, glanceGiB(GLANCE.upload.seconds, GLANCE.upload.MBps), '', ''],
    ['  vs serial hashing limit', pct(up.of_hash_serial), pct(GLANCE.limits.hashSerial / GLANCE.upload.seconds), `>= ${pct(TARGETS.uploadOfHashLimit)}`, verdict(up.of_hash_serial >= TARGETS.uploadOfHashLimit)],
    ['  vs parallel hashing limit', pct(up.of_hash_parallel), `~${pct(GLANCE.limits.hashParallel / GLANCE.upload.seconds)}`, '(info)', ''],
    [`download ${settings.sizeMb} MiB`, `${down.median_s} s = ${down.median_MBps} MB/s`, glanceGiB(GLANCE.download.seconds, GLANCE.download.MBps), '', ''],
    ['  vs cat', pct(down.of_cat), pct(GLANCE.cat.seconds / GLANCE.download.seconds), `>= ${pct(TARGETS.downloadOfCat)}`, verdict(down.of_cat >= TARGETS.downloadOfCat)],
    ['  loopback ceiling: curl from memory (Node HTTP)', `${b.http_from_memory.median_s} s = ${b.http_from_memory.median_MBps} MB/s`, '', '(info)', ''],
    ['  vs that ceiling', pct(down.of_http_from_memory), '', '(info)', ''],
    ...importRows(r.imports, r.baselines),
    [`create, ${r.create.concurrency} keep-alive clients (${r.create.requests})`, `${r.create.req_per_s} req/s, p50 ${r.create.p50_ms} ms, p99 ${r.create.p99_ms} ms`, `${GLANCE.create.reqPerS} req/s, p50 ${GLANCE.create.p50} ms, p99 ${GLANCE.create.p99} ms`, 'no errors', verdict(Object.keys(r.create.errors).length === 0)],
    [`list ?limit=25 (${r.list.fill.visible} images)`, `p50 ${l25.p50_ms} ms, p99 ${l25.p99_ms} ms`, `p50 ${GLANCE.list25.p50} ms, p99 ${GLANCE.list25.p99} ms`, `p99 < ${TARGETS.list25P99Ms} ms`, verdict(l25.p99_ms < TARGETS.list25P99Ms)],
    [`list ?limit=1000 (${round(l1000.body_bytes / 1000, 0)} KB)`, `p50 ${l1000.p50_ms} ms, p99 ${l1000.p99_ms} ms`, `p50 ${GLANCE.list1000.p50} ms, p99 ${GLANCE.list1000.p99} ms`, '', ''],
    [`list ?name=X (${lName.images_returned} hit)`, `p50 ${lName.p50_ms} ms, p99 ${lName.p99_ms} ms`, `p50 ${GLANCE.listName.p50} ms, p99 ${GLANCE.listName.p99} ms`, '', ''],
    ['npm start tree RSS idle (warmed up)', mib(r.rss.idle_kb), `${GLANCE.rssMiB.idle} MiB`, '', ''],
    [`npm start tree RSS peak, ${settings.sizeMb} MiB upload`, mib(r.rss.upload_peak_kb), `${GLANCE.rssMiB.upload} MiB`, `< 300 MB (${round(TARGETS.uploadRssBytes / 1048576, 0)} MiB)`, verdict(r.rss.upload_peak_kb * 1024 < TARGETS.uploadRssBytes)],
    ['npm start tree RSS peak, download / create', `${mib(r.rss.download_peak_kb)} / ${mib(r.rss.create_peak_kb)}`, '', '', ''],
    ['npm start tree RSS peak, list load', mib(r.rss.list_peak_kb), `${GLANCE.rssMiB.list} MiB`, '', ''],
    ['npm start tree CPU s: upload / download / create / list', (['upload', 'download', 'create', 'list'] as const).map((k) => r.phases[k].cpu_s.server).join(' / '), '', '', ''],
    ['other processes CPU s (noise), same phases', (['upload', 'download', 'create', 'list'] as const).map((k) => r.phases[k].cpu_s.other_processes).join(' / '), '', 'quiet: ~0', ''],
    ...(r.s3 ? s3Rows(r.s3) : []),
    ...(r.cache ? cacheRows(r.cache) : []),
  ];
  const fill = r.list.fill.method === 'sql' ? `list images added by bulk SQL insert (${r.list.fill.added})` : r.list.fill.method === 'api' ? `list images added through the API (${r.list.fill.added})` : 'no list images added';
  return renderTable(`glance-ts benchmark, ${r.env.date_utc}, ${r.env.ncpu} CPUs; ${fill}; RUNS=${settings.runs}, file ${settings.sizeMb} MiB`, rows);
}

const importSeries = (i: ImportResults) => [i.glance_direct, i.web_download, ...(i.copy_image ? [i.copy_image] : [])];

function importRows(i: ImportResults, b: Baselines): Row[] {
  // Peak RSS, and CPU seconds of the server beside everyone else's (on a shared machine, the noise).
  const rssRow = (s: { rss_peak_kb: number; phase: PhaseStats }): Row => [
    '  npm start tree RSS peak (CPU s: server / others)',
    `${mib(s.rss_peak_kb)} (${s.phase.cpu_s.server} / ${s.phase.cpu_s.other_processes})`,
    '',
    `< 300 MB (${round(TARGETS.uploadRssBytes / 1048576, 0)} MiB)`,
    verdict(s.rss_peak_kb * 1024 < TARGETS.uploadRssBytes),
  ];
  const gd = i.glance_direct;
  const wd = i.web_download;
  const cp = i.copy_image;
  return [
    [`import glance-direct (create + PUT /stage + POST /import → active)`, `${gd.median_s} s = ${gd.median_MBps} MB/s (stage ${round(median(gd.stage_s))} s, import ${round(median(gd.import_s))} s)`, '', '', ''],
    ['  vs upload (create + PUT /file)', pct(gd.of_upload), '', `>= ${pct(TARGETS.importOfUpload)}`, verdict(gd.of_upload >= TARGETS.importOfUpload)],
    rssRow(gd),
    ['import web-download source: curl from the static server', `${i.source_curl.median_s} s = ${i.source_curl.median_MBps} MB/s`, '', '(info)', ''],
    [`import web-download (create + POST /import → active)`, `${wd.median_s} s = ${wd.median_MBps} MB/s`, '', '', ''],
    ['  vs upload (create + PUT /file)', pct(wd.of_upload), '', `>= ${pct(TARGETS.importOfUpload)}`, verdict(wd.of_upload >= TARGETS.importOfUpload)],
    rssRow(wd),
    ...(cp
      ? ([
          [`import copy-image into a second file store (→ in stores)`, `${cp.median_s} s = ${cp.median_MBps} MB/s`, '', '', ''],
          ['  vs serial hashing limit', pct(cp.of_hash_serial), '', `>= ${pct(TARGETS.copyOfHashLimit)} (${b.hash_serial_s} s)`, verdict(cp.of_hash_serial >= TARGETS.copyOfHashLimit)],
          rssRow(cp),
        ] as Row[])
      : ([[`import copy-image into store ${COPY_STORE_ID}`, 'not available (not in /v2/info/import)', '', `>= ${pct(TARGETS.copyOfHashLimit)} of hashing limit`, '']] as Row[])),
  ];
}

function s3Rows(s: S3Results): Row[] {
  return [
    ['S3 (Ceph RGW): direct client upload (lib-storage)', `${s.direct_upload.median_s} s = ${s.direct_upload.median_MBps} MB/s`, '', '', ''],
    [`S3: upload ${settings.sizeMb} MiB through the service`, `${s.service_upload.median_s} s = ${s.service_upload.median_MBps} MB/s`, '', '', ''],
    ['  vs direct client', pct(s.service_upload.of_direct), '', `>= ${pct(TARGETS.s3OfDirect)}`, verdict(s.service_upload.of_direct >= TARGETS.s3OfDirect)],
    ['S3: direct client download (GetObject)', `${s.direct_download.median_s} s = ${s.direct_download.median_MBps} MB/s`, '', '', ''],
    [`S3: download ${settings.sizeMb} MiB through the service`, `${s.service_download.median_s} s = ${s.service_download.median_MBps} MB/s`, '', '', ''],
    ['  vs direct client', pct(s.service_download.of_direct), '', `>= ${pct(TARGETS.s3OfDirect)}`, verdict(s.service_download.of_direct >= TARGETS.s3OfDirect)],
    ['S3: npm start tree RSS peak, upload', mib(s.rss_upload_peak_kb), '', `< 300 MB (${round(TARGETS.uploadRssBytes / 1048576, 0)} MiB)`, verdict(s.rss_upload_peak_kb * 1024 < TARGETS.uploadRssBytes)],
  ];
}

function cacheRows(c: CacheResults): Row[] {
  return [
    [`image cache, S3 store: first download ${settings.sizeMb} MiB (miss, fills the cache)`, `${c.miss_s} s = ${c.miss_MBps} MB/s`, '', '', ''],
    [`image cache, S3 store: second download (hit, local disk)`, `${c.hit_s} s = ${c.hit_MBps} MB/s`, '', '', ''],
    ['  hit vs miss', `${c.hit_speedup}x faster`, '', '(info)', verdict(c.verified)],
  ];
}

interface Results {
  env: Record<string, unknown> & { date_utc: string; ncpu: number };
  settings: typeof settings;
  bytes: number;
  baselines: Baselines;
  upload: { runs: UploadRun[]; median_s: number; median_MBps: number; median_put_only_s: number; of_hash_serial: number; of_hash_parallel: number };
  download: { runs: { http: string; seconds: number; bytes: number }[]; median_s: number; median_MBps: number; of_cat: number; of_http_from_memory: number; md5_ok: boolean };
  create: Awaited<ReturnType<typeof createLoad>>;
  list: { fill: Awaited<ReturnType<typeof fillForList>>; queries: GetLatency[]; name_query_hits_ok: boolean };
  rss: { idle_kb: number; upload_peak_kb: number; download_peak_kb: number; create_peak_kb: number; list_peak_kb: number };
  /** Per phase: wall time, peak RSS, CPU seconds of server / DB / this client / other processes (noise). */
  phases: Record<'idle' | 'upload' | 'download' | 'create' | 'list_fill' | 'list', PhaseStats>;
  /** glance-direct, web-download and copy-image of the same file, beside the PUT /file upload. */
  imports: ImportResults;
  /** Null with BENCH_S3=0. */
  s3: S3Results | null;
  /** The image cache in front of the S3 store (its own server); null with BENCH_S3=0. */
  cache: CacheResults | null;
  targets_met: Record<string, boolean>;
}

async function bench(server: BenchServer, rgw: PrivateCephRgw | null, webSourcePort: number): Promise<Results> {
  const env = {
    date_utc: new Date().toISOString(),
    ncpu: os.cpus().length,
    cpu_model: os.cpus()[0]?.model ?? '?',
    mem_total_mib: Math.round(os.totalmem() / 1048576),
    node: process.version,
    loadavg_at_start: os.loadavg().map((x) => round(x, 2)),
    tree_pid: server.treePid,
    server_pid: server.serverPid,
    db_pid: server.dbPid,
  };
  const file = await testFile(server);
  const bytes = statSync(file).size;

  const phase = <T>(fn: () => Promise<T>) => sampled(server.treePid, server.dbPid, fn);

  await warmUp(server.url);
  const idle = await phase(() => new Promise((r) => setTimeout(r, 2000)));
  log(`npm start tree RSS idle (MariaDB apart): ${mib(idle.stats.rss_max_kb)} (${Object.keys(idle.stats.rss_max_per_pid_kb).length} processes)`);

  log(`baselines on ${file} (${bytes} bytes), ${settings.runs} runs each`);
  const baselines = await measureBaselines(file, bytes, server.storeDir, settings.runs, log);

  log(`upload: create + PUT x ${settings.runs}`);
  const up = await phase(() => uploads(server.url, file, baselines));
  const upMedian = median(up.result.map((u) => u.create_plus_put_s));
  log(`  median ${round(upMedian)} s = ${MB(bytes, upMedian)} MB/s, peak RSS ${mib(up.stats.rss_max_kb)} ${JSON.stringify(up.stats.rss_max_per_pid_kb)}, CPU ${JSON.stringify(up.stats.cpu_s)}`);

  log(`download x ${settings.runs}`);
  const downId = up.result[0].id;
  const down = await phase(() => downloads(server.url, downId, bytes));
  const downMedian = median(down.result.runs.map((d) => d.seconds));
  const md5Ok = (await downloadMd5(server.url, downId)) === baselines.md5;
  log(`  median ${round(downMedian)} s = ${MB(bytes, downMedian)} MB/s, downloaded md5 ${md5Ok ? 'matches' : 'DIFFERS'}`);

  // The same file through interoperable import; copy-image copies the uploaded images.
  const imports = await importSection(server, webSourcePort, file, bytes, baselines, up.result, upMedian);

  // Before the create and list load: their memory stays with the process and is not the S3 upload's.
  const s3 = rgw ? await benchS3(server, rgw, file, bytes, baselines, settings.runs, log) : null;
  const cache = rgw ? await benchCache(rgw, file, bytes, baselines.md5, log) : null;

  log(`create rate: ${settings.nCreate} x POST /v2/images, ${settings.conc} clients`);
  syncDisks();
  const create = await phase(() => createLoad(server.url, settings.nCreate, settings.conc, 'bench-c'));
  log(`  ${JSON.stringify(create.result)}, CPU ${JSON.stringify(create.stats.cpu_s)}`);

  const filled = await phase(() => fillForList(server, create.result.req_per_s));
  const fill = filled.result;
  log(`  ${fill.visible} images after ${fill.seconds} s`);
  const name = `bench-c-${Math.min(100, settings.nCreate - 1)}`;
  const expected = [Math.min(25, fill.visible), Math.min(1000, fill.visible), 1];
  const list = await phase(async () => {
    const out: GetLatency[] = [];
    for (const q of ['/v2/images?limit=25', '/v2/images?limit=1000', `/v2/images?name=${name}`]) {
      const r = await sequentialGets(server.url, q, settings.listReqs);
      log(`  ${JSON.stringify(r)}`);
      out.push(r);
    }
    return out;
  });
  const listOk = list.result.every((q, i) => q.images_returned === expected[i] && Object.keys(q.errors).length === 0);
  if (!listOk) log(`WARNING: list answers differ from the expected image counts ${JSON.stringify(expected)}`);


  const upload = {
    runs: up.result,
    median_s: round(upMedian),
    median_MBps: MB(bytes, upMedian),
    median_put_only_s: round(median(up.result.map((u) => u.put_s))),
    of_hash_serial: round(baselines.hash_serial_s / upMedian),
    of_hash_parallel: round(baselines.hash_parallel.median_s / upMedian),
  };
  const download = { runs: down.result.runs, median_s: round(downMedian), median_MBps: MB(bytes, downMedian), of_cat: round(baselines.cat.median_s / downMedian), of_http_from_memory: round(baselines.http_from_memory.median_s / downMedian), md5_ok: md5Ok };
  const rss = {
    idle_kb: idle.stats.rss_max_kb,
    upload_peak_kb: up.stats.rss_max_kb,
    download_peak_kb: down.stats.rss_max_kb,
    create_peak_kb: create.stats.rss_max_kb,
    list_peak_kb: list.stats.rss_max_kb,
  };
  const phases = { idle: idle.stats, upload: up.stats, download: down.stats, create: create.stats, list_fill: filled.stats, list: list.stats };
  const [l25] = list.result;
  return {
    env: { ...env, loadavg_at_end: os.loadavg().map((x) => round(x, 2)), service_tree_rss_now_kb: treeRssKb(server.treePid, undefined, server.dbPid).totalKb },
    settings,
    bytes,
    baselines,
    upload,
    download,
    create: create.result,
    list: { fill, queries: list.result, name_query_hits_ok: list.result[2].images_returned === 1 },
    rss,
    phases,
    imports,
    s3,
    cache,
    targets_met: {
      upload_at_least_80pct_of_serial_hashing_limit: upload.of_hash_serial >= TARGETS.uploadOfHashLimit,
      download_at_least_70pct_of_cat: download.of_cat >= TARGETS.downloadOfCat,
      list_limit25_p99_under_50ms: l25.p99_ms < TARGETS.list25P99Ms,
      upload_rss_under_300MB: rss.upload_peak_kb * 1024 < TARGETS.uploadRssBytes,
      glance_direct_at_least_90pct_of_upload: imports.glance_direct.of_upload >= TARGETS.importOfUpload,
      web_download_at_least_90pct_of_upload: imports.web_download.of_upload >= TARGETS.importOfUpload,
      ...(imports.copy_image && { copy_image_at_least_80pct_of_serial_hashing_limit: imports.copy_image.of_hash_serial >= TARGETS.copyOfHashLimit }),
      imports_rss_under_300MB: importSeries(imports).every((s) => s.rss_peak_kb * 1024 < TARGETS.uploadRssBytes),
      ...(s3 && {
        s3_upload_at_least_80pct_of_direct: s3.service_upload.of_direct >= TARGETS.s3OfDirect,
        s3_download_at_least_80pct_of_direct: s3.service_download.of_direct >= TARGETS.s3OfDirect,
        s3_upload_rss_under_300MB: s3.rss_upload_peak_kb * 1024 < TARGETS.uploadRssBytes,
      }),
      data_verified:
        up.result.every((u) => u.checksum_ok && u.sha512_ok) && md5Ok && importSeries(imports).every((s) => s.checksums_ok) && (!s3 || (s3.service_upload.checksums_ok && s3.service_download.md5_ok)) && (!cache || cache.verified),
      answers_verified: listOk && Object.keys(create.result.errors).length === 0,
    },
  };
}

/** BENCH_ONLY=s3: the S3 section on a warmed-up server, its rows and the idle tree beside them. */
async function benchS3Only(server: BenchServer, rgw: PrivateCephRgw): Promise<{ idle_kb: number; s3: S3Results }> {
  const file = await testFile(server);
  const bytes = statSync(file).size;
  await warmUp(server.url);
  const idle = await sampled(server.treePid, server.dbPid, () => new Promise((r) => setTimeout(r, 2000)));
  log(`npm start tree RSS idle (MariaDB apart): ${mib(idle.stats.rss_max_kb)} ${JSON.stringify(idle.stats.rss_max_per_pid_kb)}`);
  const [md5, sha512] = await Promise.all([timeCommand('md5sum', [file]), timeCommand('sha512sum', [file])]);
  const digests = { md5: md5.stdout.split(' ')[0], sha512: sha512.stdout.split(' ')[0] };
  const s3 = await benchS3(server, rgw, file, bytes, digests, settings.runs, log);
  log(`S3 upload peak ${JSON.stringify(s3.phases.upload.rss_max_per_pid_kb)}, CPU ${JSON.stringify(s3.phases.upload.cpu_s)}`);
  const rows: Row[] = [['npm start tree RSS idle (warmed up)', mib(idle.stats.rss_max_kb), '', '', ''], ...s3Rows(s3)];
  console.log('\n' + renderTable(`glance-ts benchmark, S3 section only, ${new Date().toISOString()}, load ${os.loadavg().map((x) => round(x, 2)).join(' ')}; RUNS=${settings.runs}, file ${settings.sizeMb} MiB`, rows) + '\n');
  return { idle_kb: idle.stats.rss_max_kb, s3 };
}

/**
 * BENCH_ONLY=imports: the uploads and the import section alone, on the same
 * file, with the digests (and the serial hashing limit copy-image is held
 * to) from one md5sum and one sha512sum; no other baselines or phases.
 */
async function importsOnly(server: BenchServer, webSourcePort: number): Promise<{ table: string; verified: boolean }> {
  const file = await testFile(server);
  const bytes = statSync(file).size;
  await warmUp(server.url);
  const [md5, sha512] = [await timeCommand('md5sum', [file]), await timeCommand('sha512sum', [file])];
  const baselines = { md5: md5.stdout.split(' ')[0], sha512: sha512.stdout.split(' ')[0], hash_serial_s: round(md5.seconds + sha512.seconds) } as Baselines;
  log(`md5sum ${round(md5.seconds)} s, sha512sum ${round(sha512.seconds)} s`);
  log(`upload: create + PUT x ${settings.runs}`);
  const up = await sampled(server.treePid, server.dbPid, () => uploads(server.url, file, baselines));
  const upMedian = median(up.result.map((u) => u.create_plus_put_s));
  const imports = await importSection(server, webSourcePort, file, bytes, baselines, up.result, upMedian);
  mkdirSync(OUT_DIR, { recursive: true });
  writeFileSync(path.join(OUT_DIR, 'results-imports.json'), JSON.stringify({ date_utc: new Date().toISOString(), settings, upload: up, imports }, null, 1) + '\n');
  const rows: Row[] = [
    [`upload ${settings.sizeMb} MiB (create + PUT)`, `${round(upMedian)} s = ${MB(bytes, upMedian)} MB/s`, '', '', ''],
    ['  npm start tree RSS peak (CPU s: server / others)', `${mib(up.stats.rss_max_kb)} (${up.stats.cpu_s.server} / ${up.stats.cpu_s.other_processes})`, '', '', ''],
    ...importRows(imports, baselines),
  ];
  const verified = up.result.every((u) => u.checksum_ok && u.sha512_ok) && importSeries(imports).every((s) => s.checksums_ok);
  return { table: renderTable(`glance-ts import rows, ${new Date().toISOString()}; RUNS=${settings.runs}, file ${settings.sizeMb} MiB`, rows), verified };
}

/** A private Ceph RGW for the S3 section: RAM enough for a few 1 GiB objects while deleted ones wait for garbage collection. */
async function startRgw(): Promise<PrivateCephRgw> {
  const dir = mkdtempSync(path.join(process.env.BENCH_DIR || os.tmpdir(), 'glance-bench-ceph-'));
  const rgw = new PrivateCephRgw({ dir, memstoreBytes: Math.max(4, Math.ceil((settings.sizeMb * 4) / 1024) + 2) * 1024 ** 3, log });
  log(`starting a private Ceph RGW in ${dir}`);
  await rgw.start();
  return rgw;
}

async function main(): Promise<number> {
  const probe = process.argv.slice(2).includes('--probe');
  if (probe) assertProbePresent();
  const withS3 = settings.s3 && !probe && settings.only !== 'imports';
  ensureDebianPackages([...MARIADB, ...(probe ? PROBE_TOOLS : BENCH_TOOLS), ...(withS3 ? CEPH : [])]);
  const rgw = withS3 ? await startRgw() : null;
  // The port web-download's source server will listen on, allowed in the server's [import_filtering_opts].
  const webSourcePort = await freePort();
  let server: BenchServer;
  try {
    server = probe
      ? await startBenchServer(log)
      : await startBenchServer(log, (dir) => benchStoresConfig(dir, rgw ? [s3Backend(rgw)] : []), importFilteringConfig(webSourcePort));
  } catch (err) {
    await rgw?.stop();
    throw err;
  }
  let stopping: Promise<void> | null = null;
  const stop = () => (stopping ??= server.stop().finally(() => rgw?.stop()));
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => void stop().then(() => process.exit(130)));
  }
  try {
    if (probe) return await runProbe(server, OUT_DIR, process.argv.slice(2).filter((a) => a !== '--probe'));
    if (settings.only === 's3') {
      const only = await benchS3Only(server, rgw!);
      mkdirSync(OUT_DIR, { recursive: true });
      writeFileSync(path.join(OUT_DIR, 'results-s3.json'), JSON.stringify({ settings, ...only }, null, 1) + '\n');
      return only.s3.service_upload.checksums_ok && only.s3.service_download.md5_ok ? 0 : 1;
    }
    if (settings.only === 'imports') {
      const only = await importsOnly(server, webSourcePort);
      console.log('\n' + only.table + '\n');
      return only.verified ? 0 : 1;
    }
    const results = await bench(server, rgw, webSourcePort);
    mkdirSync(OUT_DIR, { recursive: true });
    const out = path.join(OUT_DIR, 'results.json');
    writeFileSync(out, JSON.stringify(results, null, 1) + '\n');
    console.log('\n' + table(results) + '\n');
    log(`results written to ${path.relative(process.cwd(), out)}`);
    const t = results.targets_met;
    return t.data_verified && t.answers_verified ? 0 : 1;
  } finally {
    await stop();
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`[bench] ${err instanceof Error ? err.stack : err}`);
    process.exit(1);
  },
);
