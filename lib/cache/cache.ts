// The node-local image cache (Glance's glance/image_cache): complete files in
// image_cache_dir/<id>, fills in progress in incomplete/<id> (renamed into
// place once verified), queued ids as empty files in queue/<id> (Glance's
// layout), hits and times in cache.json (meta.ts).
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { open, readdir, rm, stat, utimes } from 'node:fs/promises';
import path from 'node:path';
import type { ImageCacheConfig } from '@/lib/config';
import { getConfig } from '@/lib/config';
import { logger } from '@/lib/log';
import { CacheRecords, type CacheEntry } from './meta';

export type { CacheEntry };

const now = () => Date.now() / 1000;

export class ImageCache {
  readonly dir: string;
  readonly incompleteDir: string;
  readonly queueDir: string;
  readonly records: CacheRecords;
  /** Images being filled right now (by a download or the prefetcher): one fill per image. */
  private readonly filling = new Set<string>();

  constructor(readonly config: ImageCacheConfig & { dir: string }) {
    this.dir = config.dir;
    this.incompleteDir = path.join(this.dir, 'incomplete');
    this.queueDir = path.join(this.dir, 'queue');
    for (const d of [this.dir, this.incompleteDir, this.queueDir]) mkdirSync(d, { recursive: true });
    // A fill the last run left is not to be trusted; records and files must agree.
    for (const f of readdirSync(this.incompleteDir)) rmSync(path.join(this.incompleteDir, f), { force: true });
    this.records = new CacheRecords(this.dir);
    const files = new Set(readdirSync(this.dir).filter((f) => this.isImageFile(f)));
    for (const e of this.records.all()) if (!files.has(e.image_id)) void this.records.delete(e.image_id);
    for (const f of files) if (!this.records.get(f)) rmSync(this.pathOf(f), { force: true });
  }

  private isImageFile(name: string): boolean {
    return name !== 'incomplete' && name !== 'queue' && !name.startsWith('cache.json');
  }

  pathOf(id: string): string {
    return path.join(this.dir, path.basename(id));
  }

  incompletePathOf(id: string): string {
    return path.join(this.incompleteDir, path.basename(id));
  }

  cached(): CacheEntry[] {
    return this.records.all();
  }

  entry(id: string): CacheEntry | undefined {
    return this.records.get(id);
  }

  size(): number {
    return this.records.all().reduce((n, e) => n + e.size, 0);
  }

  /** A download served from the cache: Glance's hits and last_accessed. */
  hit(id: string): void {
    const e = this.records.get(id);
    if (e) void this.records.set({ ...e, hits: e.hits + 1, last_accessed: now() });
  }

  /** Queued ids, oldest first (Glance orders them by the queue file's mtime). */
  async queued(): Promise<string[]> {
    const names = await readdir(this.queueDir);
    const withTimes = await Promise.all(names.map(async (n) => ({ n, t: (await stat(path.join(this.queueDir, n)).catch(() => null))?.mtimeMs ?? 0 })));
    return withTimes.sort((a, b) => a.t - b.t || (a.n < b.n ? -1 : 1)).map((x) => x.n);
  }

  /** Queue an image for the prefetcher; false when it is already cached (Glance's queue_image). */
  async queue(id: string): Promise<boolean> {
    if (this.records.get(id)) return false;
    const file = path.join(this.queueDir, path.basename(id));
    await (await open(file, 'a')).close();
    const t = new Date();
    await utimes(file, t, t);
    return true;
  }

  async dequeue(id: string): Promise<void> {
    await rm(path.join(this.queueDir, path.basename(id)), { force: true });
  }

  isQueuedOrCached(id: string, queued: string[]): boolean {
    return this.records.get(id) !== undefined || queued.includes(id);
  }

  /** Starts a fill unless the image is cached or being filled; release() ends it. */
  claim(id: string): boolean {
    if (this.records.get(id) || this.filling.has(id)) return false;
    this.filling.add(id);
    return true;
  }

  release(id: string): void {
    this.filling.delete(id);
  }

  /** A verified fill: its record; then the cache is pruned to its size. */
  async admit(id: string, size: number, checksum: string | null): Promise<void> {
    const t = now();
    await this.records.set({ image_id: id, hits: 0, last_accessed: t, last_modified: t, size, checksum });
    await this.dequeue(id);
    await this.prune();
  }

  async remove(id: string): Promise<boolean> {
    const had = this.records.get(id) !== undefined;
    await this.records.delete(id);
    await rm(this.pathOf(id), { force: true });
    return had;
  }

  async clearCached(): Promise<number> {
    let n = 0;
    for (const e of this.records.all()) if (await this.remove(e.image_id)) n++;
    return n;
  }

  async clearQueue(): Promise<number> {
    const ids = await this.queued();
    for (const id of ids) await this.dequeue(id);
    return ids.length;
  }

  /** Glance's prune: least recently accessed first until the cache fits image_cache_max_size. */
  async prune(): Promise<{ files: number; bytes: number }> {
    let size = this.size();
    const pruned = { files: 0, bytes: 0 };
    const lru = this.records.all().sort((a, b) => a.last_accessed - b.last_accessed);
    for (const e of lru) {
      if (size <= this.config.maxSize) break;
      await this.remove(e.image_id);
      size -= e.size;
      pruned.files++;
      pruned.bytes += e.size;
    }
    if (pruned.files) logger.info({ ...pruned, maxSize: this.config.maxSize }, 'image cache pruned');
    return pruned;
  }

  /** Glance's clean: incomplete files untouched for image_cache_stall_time (a fill that died). */
  async cleanStalled(): Promise<void> {
    const limit = Date.now() - this.config.stallTime * 1000;
    for (const f of await readdir(this.incompleteDir)) {
      if (this.filling.has(f)) continue;
      const file = path.join(this.incompleteDir, f);
      if ((statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? Infinity) < limit) await rm(file, { force: true });
    }
  }
}

const processGlobals = globalThis as unknown as { glanceImageCache?: ImageCache | null };

/** This node's cache, or null when image_cache_dir is not set. */
export function imageCache(): ImageCache | null {
  if (processGlobals.glanceImageCache === undefined) {
    const config = getConfig().imageCache;
    processGlobals.glanceImageCache = config.dir ? new ImageCache({ ...config, dir: config.dir }) : null;
  }
  return processGlobals.glanceImageCache;
}
