// HTTP clients for the benchmark: keep-alive JSON requests from Node, and the
// real curl for the big transfers (curl -T streams the file from disk).
import { createHash } from 'node:crypto';
import http from 'node:http';
import { percentile, round, since, timeCommand } from './measure';

export interface JsonReply {
  status: number;
  body: string;
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

const REQUEST_TIMEOUT_MS = 120_000;
const CURL_MAX_TIME = '900';

export function request(agent: http.Agent, url: string, method: string, body?: object): Promise<JsonReply> {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = http.request(url, {
      method,
      agent,
      headers: { Accept: 'application/json', ...(data === undefined ? {} : { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(data) }) },
    });
    req.once('error', reject);
    // Bounded: a stuck server fails the run instead of hanging it.
    req.setTimeout(REQUEST_TIMEOUT_MS, () => req.destroy(new Error(`${method} ${url}: no answer in ${REQUEST_TIMEOUT_MS} ms`)));
    req.once('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.once('error', reject);
      res.once('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = text ? JSON.parse(text) : undefined;
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, body: text, json });
      });
    });
    req.end(data);
  });
}

export function keepAliveAgent(maxSockets: number): http.Agent {
  return new http.Agent({ keepAlive: true, maxSockets });
}

export const imageBody = (name: string) => ({ name, disk_format: 'raw', container_format: 'bare' });

export interface CreateLoad {
  requests: number;
  concurrency: number;
  wall_s: number;
  req_per_s: number;
  p50_ms: number;
  p99_ms: number;
  max_ms: number;
  errors: Record<string, number>;
}

/** `n` POST /v2/images from `conc` clients, each on its own keep-alive connection. */
export async function createLoad(base: string, n: number, conc: number, namePrefix: string): Promise<CreateLoad> {
  const agent = keepAliveAgent(conc);
  const latencies: number[] = [];
  const errors: Record<string, number> = {};
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < n; i = next++) {
      const t0 = process.hrtime.bigint();
      let status: string;
      try {
        status = String((await request(agent, `${base}/v2/images`, 'POST', imageBody(`${namePrefix}-${i}`))).status);
      } catch (err) {
        status = (err as NodeJS.ErrnoException).code ?? 'error';
      }
      latencies.push(since(t0));
      if (status !== '201') errors[status] = (errors[status] ?? 0) + 1;
    }
  };
  const t0 = process.hrtime.bigint();
  await Promise.all(Array.from({ length: conc }, worker));
  const wall = since(t0);
  agent.destroy();
  return {
    requests: n,
    concurrency: conc,
    wall_s: round(wall),
    req_per_s: round(n / wall, 1),
    p50_ms: round(percentile(latencies, 50) * 1000, 1),
    p99_ms: round(percentile(latencies, 99) * 1000, 1),
    max_ms: round(Math.max(...latencies) * 1000, 1),
    errors,
  };
}

export interface GetLatency {
  path: string;
  requests: number;
  p50_ms: number;
  p99_ms: number;
  mean_ms: number;
  max_ms: number;
  images_returned: number | null;
  body_bytes: number;
  errors: Record<string, number>;
}

/** `n` sequential GETs of one path on one keep-alive connection. */
export async function sequentialGets(base: string, path: string, n: number): Promise<GetLatency> {
  const agent = keepAliveAgent(1);
  const latencies: number[] = [];
  const errors: Record<string, number> = {};
  let last: JsonReply | null = null;
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    const r = await request(agent, base + path, 'GET');
    latencies.push(since(t0));
    if (r.status !== 200) errors[r.status] = (errors[r.status] ?? 0) + 1;
    last = r;
  }
  agent.destroy();
  return {
    path,
    requests: n,
    p50_ms: round(percentile(latencies, 50) * 1000, 1),
    p99_ms: round(percentile(latencies, 99) * 1000, 1),
    mean_ms: round((latencies.reduce((a, b) => a + b, 0) / latencies.length) * 1000, 1),
    max_ms: round(Math.max(...latencies) * 1000, 1),
    images_returned: Array.isArray(last?.json?.images) ? last!.json.images.length : null,
    body_bytes: Buffer.byteLength(last?.body ?? ''),
    errors,
  };
}

/** PUT the file (to /file, or /stage for glance-direct) with curl (-T streams it; --data-binary @file would read it all into memory first). */
export async function curlUpload(base: string, id: string, file: string, headers: string[] = [], target: 'file' | 'stage' = 'file'): Promise<{ http: string; seconds: number }> {
  const r = await timeCommand('curl', [
    '-sS', '--max-time', CURL_MAX_TIME, '-T', file, '-X', 'PUT', '-H', 'Content-Type: application/octet-stream', '-H', 'Expect:',
    ...headers.flatMap((h) => ['-H', h]),
    '-o', '/dev/null', '-w', '%{http_code}', `${base}/v2/images/${id}/${target}`,
  ]);
  return { http: r.stdout.trim(), seconds: r.seconds };
}

/** GET the data with curl into /dev/null; seconds are curl's own time_total, as the probe reports. */
export async function curlDownload(base: string, id: string): Promise<{ http: string; seconds: number; bytes: number }> {
  const r = await timeCommand('curl', ['-sS', '--max-time', CURL_MAX_TIME, '-o', '/dev/null', '-w', '%{http_code} %{time_total} %{size_download}', `${base}/v2/images/${id}/file`]);
  const [code, total, size] = r.stdout.trim().split(' ');
  return { http: code, seconds: Number(total), bytes: Number(size) };
}

/** md5 of a download, streamed (untimed verification). */
export function downloadMd5(base: string, id: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.get(`${base}/v2/images/${id}/file`, (res) => {
      const h = createHash('md5');
      res.on('data', (c: Buffer) => h.update(c));
      res.once('end', () => resolve(h.digest('hex')));
      res.once('error', reject);
    });
    req.once('error', reject);
    req.setTimeout(REQUEST_TIMEOUT_MS, () => req.destroy(new Error('download stalled')));
  });
}
