// Shared by the cache tests: a server with the image cache on, trusted-headers personas, and a look at the cache's files.
import { mkdtempSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer, type ServerOptions, type TestServer } from '../../helpers/server';
import { client } from '../../helpers/http';
import { waitFor } from '../../helpers/data';

export const identity = (project: string, roles: string) => ({
  'X-Identity-Status': 'Confirmed', 'X-Project-Id': project, 'X-User-Id': `${project}-user`, 'X-Roles': roles,
});

export type Client = ReturnType<typeof client>;

/** A trusted-headers server whose cache is <dir>/cache with `maxSize` bytes. */
export async function cacheServer(maxSize: number, opts: ServerOptions = {}): Promise<{ server: TestServer; admin: Client; cacheDir: (...p: string[]) => string }> {
  const dir = opts.dir ?? mkdtempSync(path.join(os.tmpdir(), 'glance-test-'));
  const cacheDir = (...p: string[]) => path.join(dir, 'cache', ...p);
  const server = await startServer({
    flavor: 'trusted-headers',
    ...opts,
    dir,
    extraConfig: `[DEFAULT]\nimage_cache_dir = ${cacheDir()}\nimage_cache_max_size = ${maxSize}\n${opts.extraConfig ?? ''}`,
  });
  return { server, admin: client(server.url, identity('admin-project', 'admin,member,reader')), cacheDir };
}

/** Cached image ids and queued ids, as GET /v2/cache lists them. */
export async function cacheState(admin: Client): Promise<{ cached: string[]; queued: string[]; entries: Record<string, any> }> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const r = await admin.get('/v2/cache');
  if (r.status !== 200) throw new Error(`GET /v2/cache: ${r.status} ${r.text}`);
  const entries = Object.fromEntries(r.json.cached_images.map((e: { image_id: string }) => [e.image_id, e]));
  return { cached: Object.keys(entries).sort(), queued: r.json.queued_images, entries };
}

export function waitForCached(admin: Client, id: string): Promise<true> {
  return waitFor(`image ${id} in the cache`, async () => ((await cacheState(admin)).cached.includes(id) ? true : undefined));
}

export const filesUnder = (dir: string) => readdirSync(dir).sort();
