// The benchmark's import section (issue 12): the same file as the PUT /file
// runs through interoperable import, each timed to the image's end state —
// glance-direct (create + PUT /stage + POST /import until active),
// web-download (create + POST /import until active, from a static HTTP server
// the bench starts on loopback) and copy-image (an uploaded image into a
// second file store, until the store is listed) — with the server's memory
// sampled throughout each method's runs.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, statSync } from 'node:fs';
import type http from 'node:http';
import path from 'node:path';
import type { BenchServer } from './harness';
import { curlUpload, imageBody, keepAliveAgent, request } from './http-load';
import { median, repeat, round, since, syncDisks, timeCommand } from './measure';
import { sampled, type PhaseStats } from './sampler';

/** The second file store copy-image copies into (beside the default store `fast`). */
export const COPY_STORE_ID = 'copy';
export const DEFAULT_STORE_ID = 'fast';

/** A multi-store [glance_store]: the default file store `fast`, the copy-image target (its directory made here) and any further backends. */
export function benchStoresConfig(storeDir: string, more: { id: string; type: string; lines: string[] }[] = []): string {
  mkdirSync(copyStoreDir(storeDir)); // the server refuses a missing store directory
  const backends = [{ id: DEFAULT_STORE_ID, type: 'file' }, { id: COPY_STORE_ID, type: 'file' }, ...more];
  return [
    `default_backend = ${DEFAULT_STORE_ID}`,
    '[DEFAULT]',
    `enabled_backends = ${backends.map((b) => `${b.id}:${b.type}`).join(', ')}`,
    `[${DEFAULT_STORE_ID}]`,
    `filesystem_store_datadir = ${storeDir}`,
    `[${COPY_STORE_ID}]`,
    `filesystem_store_datadir = ${copyStoreDir(storeDir)}`,
    ...more.flatMap((b) => [`[${b.id}]`, ...b.lines]),
  ].join('\n');
}

export const copyStoreDir = (storeDir: string) => `${storeDir}-copy`;

/** web-download may fetch from the bench's own source server on loopback (refused by default). */
export function importFilteringConfig(sourcePort: number): string {
  return ['[import_filtering_opts]', 'allowed_hosts = [127.0.0.1]', `allowed_ports = [${sourcePort}]`].join('\n');
}

// A plain static file server that costs next to no CPU: Python's http.server
// answering every GET with the whole file by sendfile(2) (no copy through user
// space). Run as its own process, outside the measured tree. (The node
// http + createReadStream server it replaces took CPU from the two cores the
// import's hash threads need: web-download 0.81x of PUT /file in a quiet run.)
const STATIC_SOURCE = `
import http.server, os, sys
path, port = sys.argv[1], int(sys.argv[2])
size = os.stat(path).st_size
class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'
    def do_GET(self):
        self.send_response(200)
        self.send_header('Content-Type', 'application/octet-stream')
        self.send_header('Content-Length', str(size))
        self.end_headers()
        self.wfile.flush()
        try:
            with open(path, 'rb') as f:
                self.connection.sendfile(f)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
    def log_message(self, *args):
        pass
server = http.server.ThreadingHTTPServer(('127.0.0.1', port), Handler)
print('listening', flush=True)
server.serve_forever()
`;

export interface WebSourceServer {
  url: string;
  stop(): void;
}

export async function startWebSource(file: string, port: number): Promise<WebSourceServer> {
  const child: ChildProcess = spawn('/usr/bin/python3', ['-c', STATIC_SOURCE, file, String(port)], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.once('data', () => resolve());
    child.once('exit', (code) => reject(new Error(`static source server exited with ${code}`)));
  });
  return { url: `http://127.0.0.1:${port}/${path.basename(file)}`, stop: () => child.kill() };
}

export interface ImportSeries {
  runs_s: number[];
  median_s: number;
  median_MBps: number;
  rss_peak_kb: number;
  phase: PhaseStats;
  checksums_ok: boolean;
}

export interface ImportResults {
  /** curl fetching the file from the static source server: what web-download's source can give. */
  source_curl: { runs_s: number[]; median_s: number; median_MBps: number };
  glance_direct: ImportSeries & { stage_s: number[]; import_s: number[]; of_upload: number };
  web_download: ImportSeries & { of_upload: number };
  /** Null: the server does not list copy-image in /v2/info/import. */
  copy_image: (ImportSeries & { of_hash_serial: number }) | null;
  methods: string[];
}

const POLL_MS = 20;
const IMPORT_TIMEOUT_MS = 900_000;

/** Poll the image until `done` says it has reached its end state (or throws on a failed one). */
async function waitForImage(agent: http.Agent, base: string, id: string, done: (image: any) => boolean): Promise<any> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const deadline = Date.now() + IMPORT_TIMEOUT_MS;
  for (;;) {
    const r = await request(agent, `${base}/v2/images/${id}`, 'GET');
    if (r.status !== 200) throw new Error(`GET image ${id}: ${r.status} ${r.body}`);
    if (done(r.json)) return r.json;
    if (Date.now() > deadline) throw new Error(`image ${id} not done after ${IMPORT_TIMEOUT_MS} ms: ${r.body}`);
    await new Promise((res) => setTimeout(res, POLL_MS));
  }
}

/** An import that failed leaves its image queued (glance-direct, web-download) with the task saying why. */
async function failure(agent: http.Agent, base: string, id: string): Promise<string> {
  const tasks = (await request(agent, `${base}/v2/images/${id}/tasks`, 'GET')).json?.tasks ?? [];
  return tasks.map((t: { status: string; message: string }) => `${t.status}: ${t.message}`).join('; ');
}

async function startImport(agent: http.Agent, base: string, id: string, body: object): Promise<void> {
  const r = await request(agent, `${base}/v2/images/${id}/import`, 'POST', body);
  if (r.status !== 202) throw new Error(`POST /import ${JSON.stringify(body)}: ${r.status} ${r.body}`);
}

/** Active, or back in queued with the lock dropped (failed); queued or uploading with the lock held is not begun yet. */
const activeOrFailed = (image: { status: string; os_glance_import_task?: string }) =>
  image.status === 'active' || (image.status === 'queued' && !image.os_glance_import_task);

export async function benchImports(
  server: BenchServer,
  source: WebSourceServer,
  file: string,
  bytes: number,
  digests: { md5: string; sha512: string; hash_serial_s: number; upload_median_s: number },
  /** Active images uploaded by PUT /file, one per copy-image run. */
  uploaded: string[],
  runs: number,
  log: (m: string) => void,
): Promise<ImportResults> {
  const base = server.url;
  const agent = keepAliveAgent(1);
  const phase = <T>(fn: () => Promise<T>) => sampled(server.treePid, server.dbPid, fn);
  const MB = (s: number) => round(bytes / 1e6 / s, 1);
  const digestsOk = (image: { checksum: string; os_hash_value: string; size: number }) =>
    image.checksum === digests.md5 && image.os_hash_value === digests.sha512 && image.size === bytes;
  const series = (times: number[], p: PhaseStats, ok: boolean): ImportSeries => ({
    runs_s: times.map((t) => round(t)),
    median_s: round(median(times)),
    median_MBps: MB(median(times)),
    rss_peak_kb: p.rss_max_kb,
    phase: p,
    checksums_ok: ok,
  });
  const info = (await request(agent, `${base}/v2/info/import`, 'GET')).json;
  const methods: string[] = info?.['import-methods']?.value ?? [];
  log(`import methods listed: ${methods.join(', ')}`);

  log(`import: curl from the static source server x ${runs}`);
  const sourceCurl = await repeat(runs, async () => {
    const r = await timeCommand('curl', ['-sS', '-o', '/dev/null', '-w', '%{time_total} %{size_download}', source.url]);
    const [seconds, size] = r.stdout.trim().split(' ').map(Number);
    if (size !== bytes) throw new Error(`source server sent ${size} of ${bytes} bytes`);
    return seconds;
  });
  log(`  ${sourceCurl.map((t) => round(t)).join(' ')} s`);

  const toDelete: string[] = [];
  try {
    log(`import: glance-direct (create + PUT /stage + POST /import → active) x ${runs}`);
    const stageS: number[] = [];
    const importS: number[] = [];
    let gdOk = true;
    const gd = await phase(() =>
      repeat(runs, async () => {
        const t0 = process.hrtime.bigint();
        const created = await request(agent, `${base}/v2/images`, 'POST', imageBody(`bench-glance-direct-${stageS.length + 1}`));
        if (created.status !== 201) throw new Error(`create failed: ${created.status} ${created.body}`);
        const id: string = created.json.id;
        toDelete.push(id);
        const stage = await curlUpload(base, id, file, [], 'stage');
        if (stage.http !== '204') throw new Error(`PUT /stage: http ${stage.http}`);
        const t1 = process.hrtime.bigint();
        await startImport(agent, base, id, { method: { name: 'glance-direct' } });
        const image = await waitForImage(agent, base, id, activeOrFailed);
        const wall = since(t0);
        if (image.status !== 'active') throw new Error(`glance-direct import of ${id} failed: ${await failure(agent, base, id)}`);
        gdOk &&= digestsOk(image);
        stageS.push(round(stage.seconds));
        importS.push(round(since(t1)));
        log(`  run ${stageS.length}: ${round(wall)} s (stage ${round(stage.seconds)} s, import ${round(since(t1))} s), md5+sha512 ${digestsOk(image) ? 'ok' : 'WRONG'}`);
        return wall;
      }),
    );

    log(`import: web-download (create + POST /import → active) from ${source.url} x ${runs}`);
    let wdOk = true;
    const wd = await phase(() => {
      let n = 0;
      return repeat(runs, async () => {
        const t0 = process.hrtime.bigint();
        const created = await request(agent, `${base}/v2/images`, 'POST', imageBody(`bench-web-download-${++n}`));
        const id: string = created.json.id;
        toDelete.push(id);
        await startImport(agent, base, id, { method: { name: 'web-download', uri: source.url } });
        const image = await waitForImage(agent, base, id, activeOrFailed);
        const wall = since(t0);
        if (image.status !== 'active') throw new Error(`web-download import of ${id} failed: ${await failure(agent, base, id)}`);
        wdOk &&= digestsOk(image);
        log(`  run ${n}: ${round(wall)} s, md5+sha512 ${digestsOk(image) ? 'ok' : 'WRONG'}`);
        return wall;
      });
    });

    let copy: ImportResults['copy_image'] = null;
    if (!methods.includes('copy-image')) log('import: copy-image not available (not listed in /v2/info/import)');
    else {
      log(`import: copy-image of an uploaded image into store ${COPY_STORE_ID} (POST /import → listed in stores) x ${runs}`);
      let cpOk = true;
      let n = 0;
      const cp = await phase(() =>
        repeat(runs, async () => {
          const id = uploaded[n++ % uploaded.length];
          const t0 = process.hrtime.bigint();
          await startImport(agent, base, id, { method: { name: 'copy-image' }, stores: [COPY_STORE_ID] });
          const image = await waitForImage(agent, base, id, (i) => !i.os_glance_import_task);
          const wall = since(t0);
          const inStore = String(image.stores).split(',').includes(COPY_STORE_ID);
          if (!inStore) throw new Error(`copy-image of ${id} failed: ${await failure(agent, base, id)}; failed stores: ${image.os_glance_failed_import}`);
          const copied = statSync(path.join(copyStoreDir(server.storeDir), id), { throwIfNoEntry: false });
          const ok = image.status === 'active' && digestsOk(image) && copied?.size === bytes;
          cpOk &&= ok;
          log(`  run ${n}: ${round(wall)} s, stores ${image.stores}, copy ${copied?.size ?? 'MISSING'} bytes ${ok ? 'ok' : 'WRONG'}`);
          return wall;
        }),
      );
      copy = { ...series(cp.result, cp.stats, cpOk), of_hash_serial: round(digests.hash_serial_s / median(cp.result)) };
    }
    syncDisks();
    const sc = { runs_s: sourceCurl.map((t) => round(t)), median_s: round(median(sourceCurl)), median_MBps: MB(median(sourceCurl)) };
    return {
      source_curl: sc,
      glance_direct: { ...series(gd.result, gd.stats, gdOk), stage_s: stageS, import_s: importS, of_upload: round(digests.upload_median_s / median(gd.result)) },
      web_download: { ...series(wd.result, wd.stats, wdOk), of_upload: round(digests.upload_median_s / median(wd.result)) },
      copy_image: copy,
      methods,
    };
  } finally {
    for (const id of toDelete) await request(agent, `${base}/v2/images/${id}`, 'DELETE').catch(() => {});
    agent.destroy();
  }
}
