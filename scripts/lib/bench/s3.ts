// The benchmark's S3 section: 1 GiB through the service into a Ceph RGW
// store and back, beside a direct S3 client moving the same file to and
// from the same gateway in the same run (lib-storage with the store's own
// part size and parallelism), and the server's memory during the uploads.
import { createReadStream } from 'node:fs';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DeleteObjectCommand, GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { PrivateCephRgw } from '../ceph-rgw';
import type { BenchServer } from './harness';
import { curlDownload, curlUpload, downloadMd5, imageBody, keepAliveAgent, request } from './http-load';
import { median, round, since } from './measure';
import { sampled, type PhaseStats } from './sampler';

export const S3_STORE_ID = 'ceph';
export const S3_BUCKET = 'glance-bench';
/**
 * The store's parts and parallelism (the direct client uses the same, so the
 * comparison is like for like): S3's smallest part and three in flight keep
 * an upload's buffers to a few tens of MB; larger parts were not faster on
 * loopback and cost their size in RSS (lib-storage holds about twice them).
 */
const PART_MB = 5;
const PARTS_IN_FLIGHT = 3;

/** The s3 store `ceph` on the private RGW, one backend of the bench's multi-store config (imports.ts). */
export function s3Backend(rgw: PrivateCephRgw): { id: string; type: string; lines: string[] } {
  return {
    id: S3_STORE_ID,
    type: 's3',
    lines: [
      `s3_store_host = ${rgw.endpoint}`,
      `s3_store_access_key = ${rgw.accessKey}`,
      `s3_store_secret_key = ${rgw.secretKey}`,
      `s3_store_region_name = ${rgw.region}`,
      `s3_store_bucket = ${S3_BUCKET}`,
      's3_store_create_bucket_on_put = true',
      's3_store_bucket_url_format = path',
      `s3_store_large_object_chunk_size = ${PART_MB}`,
      `s3_store_thread_pools = ${PARTS_IN_FLIGHT}`,
    ],
  };
}

export interface S3Results {
  direct_upload: { runs_s: number[]; median_s: number; median_MBps: number };
  direct_download: { runs_s: number[]; median_s: number; median_MBps: number };
  service_upload: { runs_s: number[]; median_s: number; median_MBps: number; of_direct: number; checksums_ok: boolean };
  service_download: { runs_s: number[]; median_s: number; median_MBps: number; of_direct: number; md5_ok: boolean };
  rss_upload_peak_kb: number;
  phases: { upload: PhaseStats; download: PhaseStats };
}

const MB = (bytes: number, s: number) => round(bytes / 1e6 / s, 1);
const series = (bytes: number, runs: number[]) => ({ runs_s: runs.map((x) => round(x)), median_s: round(median(runs)), median_MBps: MB(bytes, median(runs)) });

/** A sink that drops bytes: what `aws s3 cp s3://... /dev/null` costs, without a disk. */
const discard = () => new Writable({ write: (_c, _e, done) => done(), highWaterMark: 1 << 20 });

async function directUpload(client: S3Client, key: string, file: string): Promise<number> {
  const t0 = process.hrtime.bigint();
  await new Upload({
    client,
    params: { Bucket: S3_BUCKET, Key: key, Body: createReadStream(file, { highWaterMark: 1 << 20 }) },
    partSize: PART_MB * 1024 * 1024,
    queueSize: PARTS_IN_FLIGHT,
    leavePartsOnError: false,
  }).done();
  return since(t0);
}

async function directDownload(client: S3Client, key: string, bytes: number): Promise<number> {
  const t0 = process.hrtime.bigint();
  const got = await client.send(new GetObjectCommand({ Bucket: S3_BUCKET, Key: key }));
  let seen = 0;
  const body = got.Body as NodeJS.ReadableStream;
  body.on('data', (c: Buffer) => (seen += c.byteLength));
  await pipeline(body, discard());
  if (seen !== bytes) throw new Error(`direct download got ${seen} of ${bytes} bytes`);
  return since(t0);
}

export async function benchS3(
  server: BenchServer,
  rgw: PrivateCephRgw,
  file: string,
  bytes: number,
  digests: { md5: string; sha512: string },
  runs: number,
  log: (m: string) => void,
): Promise<S3Results> {
  const client = rgw.s3Client();
  const agent = keepAliveAgent(1);
  const phase = <T>(fn: () => Promise<T>) => sampled(server.treePid, server.dbPid, fn);

  // The service's first upload creates the bucket (s3_store_create_bucket_on_put); warm it up with a small image.
  const warm = await request(agent, `${server.url}/v2/images`, 'POST', imageBody('bench-s3-warmup'));
  await curlUpload(server.url, warm.json.id, '/etc/hostname', [`X-Image-Meta-Store: ${S3_STORE_ID}`]);
  await request(agent, `${server.url}/v2/images/${warm.json.id}`, 'DELETE');

  log(`S3: direct client (lib-storage, ${PART_MB} MiB parts, ${PARTS_IN_FLIGHT} in flight) x ${runs}`);
  const directUp: number[] = [];
  const directDown: number[] = [];
  for (let r = 1; r <= runs; r++) {
    const key = `direct-${r}`;
    directUp.push(await directUpload(client, key, file));
    directDown.push(await directDownload(client, key, bytes));
    await client.send(new DeleteObjectCommand({ Bucket: S3_BUCKET, Key: key }));
    log(`  run ${r}: upload ${round(directUp[r - 1])} s, download ${round(directDown[r - 1])} s`);
  }

  log(`S3: through the service (create + PUT with X-Image-Meta-Store: ${S3_STORE_ID}, then GET) x ${runs}`);
  const serviceUp: number[] = [];
  const serviceDown: number[] = [];
  let checksumsOk = true;
  let md5Ok = true;
  let uploadStats: PhaseStats | null = null;
  let downloadStats: PhaseStats | null = null;
  for (let r = 1; r <= runs; r++) {
    const up = await phase(async () => {
      const t0 = process.hrtime.bigint();
      const created = await request(agent, `${server.url}/v2/images`, 'POST', imageBody(`bench-s3-${r}`));
      const put = await curlUpload(server.url, created.json.id, file, [`X-Image-Meta-Store: ${S3_STORE_ID}`]);
      const seconds = since(t0);
      if (put.http !== '204') throw new Error(`S3 upload run ${r} failed: http ${put.http}`);
      return { id: created.json.id as string, seconds };
    });
    const image = (await request(agent, `${server.url}/v2/images/${up.result.id}`, 'GET')).json;
    checksumsOk &&= image.checksum === digests.md5 && image.os_hash_value === digests.sha512 && image.stores === S3_STORE_ID;
    const down = await phase(() => curlDownload(server.url, up.result.id));
    if (down.result.http !== '200' || down.result.bytes !== bytes) throw new Error(`S3 download run ${r} failed: http ${down.result.http}, ${down.result.bytes} bytes`);
    if (r === 1) md5Ok = (await downloadMd5(server.url, up.result.id)) === digests.md5;
    serviceUp.push(up.result.seconds);
    serviceDown.push(down.result.seconds);
    if (!uploadStats || up.stats.rss_max_kb > uploadStats.rss_max_kb) uploadStats = up.stats;
    if (!downloadStats || down.stats.rss_max_kb > downloadStats.rss_max_kb) downloadStats = down.stats;
    await request(agent, `${server.url}/v2/images/${up.result.id}`, 'DELETE');
    log(`  run ${r}: upload ${round(up.result.seconds)} s (peak RSS ${round(up.stats.rss_max_kb / 1024, 0)} MiB), download ${round(down.result.seconds)} s, ${image.status}`);
  }
  agent.destroy();
  client.destroy();
  const du = series(bytes, directUp);
  const dd = series(bytes, directDown);
  const su = series(bytes, serviceUp);
  const sd = series(bytes, serviceDown);
  return {
    direct_upload: du,
    direct_download: dd,
    service_upload: { ...su, of_direct: round(du.median_s / su.median_s), checksums_ok: checksumsOk },
    service_download: { ...sd, of_direct: round(dd.median_s / sd.median_s), md5_ok: md5Ok },
    rss_upload_peak_kb: uploadStats!.rss_max_kb,
    phases: { upload: uploadStats!, download: downloadStats! },
  };
}
