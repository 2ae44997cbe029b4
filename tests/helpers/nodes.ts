// Several API nodes on one database and one store, as the README's
// production layout has them: each a real server process of its own (own
// port, own data dir and staging area, own worker_self_reference_url), all
// on one test database and one store: a store directory they share (file
// store on this machine) or a bucket on the suite's Ceph RGW (s3).
import { mkdirSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import * as tus from 'tus-js-client';
import { databaseUrlFor, freePort, removeDir, startServer, type ServerOptions, type TestServer } from './server';

/** Seconds between heartbeats in these tests: a dead node is repaired within 5 of them (README). */
export const HEARTBEAT_S = 2;

export interface Cluster {
  databaseUrl: string;
  /** The store directory every node writes to. */
  images: string;
  extraConfig: string;
  flavor: ServerOptions['flavor'];
  /** [glance_store] lines every node gets; default: the shared directory. */
  storeConfig: string;
}

export function newCluster(opts: { flavor?: ServerOptions['flavor']; extraConfig?: string; databaseUrl?: string; storeConfig?: string } = {}): Cluster {
  const images = path.join(mkdtempSync(path.join(os.tmpdir(), 'glance-shared-store-')), 'images');
  mkdirSync(images);
  return {
    databaseUrl: opts.databaseUrl ?? databaseUrlFor(`nodes_${randomBytes(5).toString('hex')}`),
    images,
    extraConfig: opts.extraConfig ?? '',
    flavor: opts.flavor ?? 'noauth',
    storeConfig: opts.storeConfig ?? `filesystem_store_datadir = ${images}`,
  };
}

/** A node of the cluster; `port`/`dir` to restart one where it was. The cluster's database is migrated by the node itself. */
export async function startNode(cluster: Cluster, reuse: { port?: number; dir?: string } = {}): Promise<TestServer> {
  const port = reuse.port ?? (await freePort());
  return startServer({
    port,
    dir: reuse.dir,
    databaseUrl: cluster.databaseUrl,
    flavor: cluster.flavor,
    storeConfig: () => cluster.storeConfig,
    extraConfig: [
      '[DEFAULT]',
      `worker_self_reference_url = http://127.0.0.1:${port}`,
      `node_heartbeat_interval = ${HEARTBEAT_S}`,
      cluster.extraConfig,
    ].join('\n'),
  });
}

export async function restartNode(cluster: Cluster, node: TestServer): Promise<TestServer> {
  await node.stop();
  return startNode(cluster, { port: node.port, dir: node.dir });
}

export async function removeCluster(cluster: Cluster, nodes: (TestServer | undefined)[]): Promise<void> {
  for (const n of nodes) {
    await n?.stop();
    if (n) removeDir(n.dir);
  }
  removeDir(path.dirname(cluster.images));
}

export const tusEndpoint = (node: TestServer) => `${node.url}/api/console/uploads`;

/** A tus upload with tus-js-client; stops (no termination) after `stopAfterChunks` chunks if given. */
export function tusUpload(
  at: { endpoint?: string; uploadUrl?: string },
  imageId: string,
  data: Buffer,
  opts: { chunkSize: number; stopAfterChunks?: number; headers?: Record<string, string> },
): Promise<'done' | 'stopped'> {
  return new Promise((resolve, reject) => {
    let chunks = 0;
    const upload: tus.Upload = new tus.Upload(data, {
      ...at,
      chunkSize: opts.chunkSize,
      retryDelays: null,
      headers: opts.headers,
      metadata: { imageId, filename: 'disk.qcow2' },
      onChunkComplete: () => {
        chunks++;
        if (opts.stopAfterChunks !== undefined && chunks === opts.stopAfterChunks) upload.abort(false).then(() => resolve('stopped'), reject);
      },
      onSuccess: () => resolve('done'),
      onError: reject,
    });
    upload.start();
  });
}

/** The node recorded as serving an image's upload (its worker_self_reference_url), or null. */
export async function servingNode(node: TestServer, imageId: string): Promise<string | null> {
  const [row] = await node.query<{ url: string | null }>(
    'SELECT n.url FROM image_uploads u LEFT JOIN service_nodes n ON n.id = u.node_id WHERE u.image_id = ?',
    [imageId],
  );
  return row ? row.url : null;
}
