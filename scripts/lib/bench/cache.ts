// The benchmark's image cache row: a service with the cache on, in front of
// the S3 store, its own `npm start` (so the other rows' downloads do not fill
// a cache): the first download of the file is a miss that fills the cache
// while it streams, the second a hit served from local disk.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { PrivateCephRgw } from '../ceph-rgw';
import { startBenchServer } from './harness';
import { curlDownload, curlUpload, downloadMd5, imageBody, keepAliveAgent, request } from './http-load';
import { benchStoresConfig } from './imports';
import { round } from './measure';
import { s3Backend, S3_STORE_ID } from './s3';

export interface CacheResults {
  miss_s: number;
  hit_s: number;
  /** How many times faster the hit is. */
  hit_speedup: number;
  miss_MBps: number;
  hit_MBps: number;
  /** The image was listed in GET /v2/cache after the first download, with one hit after the second, and its data was right. */
  verified: boolean;
}

export async function benchCache(rgw: PrivateCephRgw, file: string, bytes: number, md5: string, log: (m: string) => void): Promise<CacheResults> {
  const cacheDir = mkdtempSync(path.join(process.env.BENCH_DIR || os.tmpdir(), 'glance-bench-cache-'));
  log(`image cache: a service with image_cache_dir = ${cacheDir} in front of the S3 store`);
  const server = await startBenchServer(log, (dir) => benchStoresConfig(dir, [s3Backend(rgw)]), `[DEFAULT]\nimage_cache_dir = ${cacheDir}\nimage_cache_max_size = ${4 * bytes}\n`);
  const agent = keepAliveAgent(1);
  try {
    const created = await request(agent, `${server.url}/v2/images`, 'POST', imageBody('bench-cache'));
    const id = created.json.id as string;
    const put = await curlUpload(server.url, id, file, [`X-Image-Meta-Store: ${S3_STORE_ID}`]);
    if (put.http !== '204') throw new Error(`cache bench upload failed: http ${put.http}`);
    const miss = await curlDownload(server.url, id);
    const afterMiss = (await request(agent, `${server.url}/v2/cache`, 'GET')).json;
    const hit = await curlDownload(server.url, id);
    const afterHit = (await request(agent, `${server.url}/v2/cache`, 'GET')).json;
    for (const d of [miss, hit]) if (d.http !== '200' || d.bytes !== bytes) throw new Error(`cache bench download failed: http ${d.http}, ${d.bytes} bytes`);
    const entry = (s: { cached_images: { image_id: string; hits: number }[] }) => s.cached_images.find((e) => e.image_id === id);
    const verified = entry(afterMiss)?.hits === 0 && entry(afterHit)?.hits === 1 && (await downloadMd5(server.url, id)) === md5;
    log(`  miss (fills the cache) ${round(miss.seconds)} s, hit ${round(hit.seconds)} s, ${verified ? 'verified' : 'NOT verified'}`);
    await request(agent, `${server.url}/v2/images/${id}`, 'DELETE');
    return {
      miss_s: round(miss.seconds),
      hit_s: round(hit.seconds),
      hit_speedup: round(miss.seconds / hit.seconds),
      miss_MBps: round(bytes / 1e6 / miss.seconds, 1),
      hit_MBps: round(bytes / 1e6 / hit.seconds, 1),
      verified,
    };
  } finally {
    agent.destroy();
    await server.stop();
    rmSync(cacheDir, { recursive: true, force: true });
  }
}
