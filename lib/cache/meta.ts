// The cache's per-node records (Glance's cached_images table of its sqlite
// driver): hits and times per cached image, in one JSON file in the cache
// directory, rewritten whole (write + rename) after each change.
import { readFileSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** One cached image, as GET /v2/cache lists it (plus the checksum it was verified against). */
export interface CacheEntry {
  image_id: string;
  hits: number;
  /** Seconds since the epoch, as Glance's time.time(). */
  last_accessed: number;
  last_modified: number;
  size: number;
  checksum: string | null;
}

export class CacheRecords {
  private readonly file: string;
  private readonly entries = new Map<string, CacheEntry>();
  private saving: Promise<void> = Promise.resolve();

  constructor(dir: string) {
    this.file = path.join(dir, 'cache.json');
    try {
      for (const e of JSON.parse(readFileSync(this.file, 'utf8')) as CacheEntry[]) this.entries.set(e.image_id, e);
    } catch {
      // No file yet (or a torn one from a crash): the files on disk are adopted by the caller.
    }
  }

  get(id: string): CacheEntry | undefined {
    return this.entries.get(id);
  }

  all(): CacheEntry[] {
    return [...this.entries.values()].sort((a, b) => (a.image_id < b.image_id ? -1 : 1));
  }

  set(e: CacheEntry): Promise<void> {
    this.entries.set(e.image_id, e);
    return this.save();
  }

  delete(id: string): Promise<void> {
    if (!this.entries.delete(id)) return this.saving;
    return this.save();
  }

  /** Writes one after another, each the whole current state. */
  private save(): Promise<void> {
    this.saving = this.saving.then(async () => {
      const tmp = `${this.file}.tmp`;
      await writeFile(tmp, JSON.stringify(this.all()));
      await rename(tmp, this.file);
    }).catch(() => {});
    return this.saving;
  }
}
