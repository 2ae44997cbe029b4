// Writing an image into the cache: bytes go to incomplete/<id> while md5 is
// computed; only a file of the image's size and checksum is renamed into
// place (Glance's cache_tee_iter). Anything else (a short stream, a client
// that hung up, a mismatch, a full disk) removes the incomplete file.
import { createHash } from 'node:crypto';
import { open, rename, rm, type FileHandle } from 'node:fs/promises';
import { logger } from '@/lib/log';
import type { ChunkSink } from '@/lib/stores/driver';
import type { ImageCache } from './cache';

export interface Expected {
  size: number;
  checksum: string | null;
}

export class CacheFill {
  private readonly hash = createHash('md5');
  private position = 0;
  private failure: Error | null = null;
  private readonly pending = new Set<Promise<void>>();
  /** commit() or abort() ran: nothing more to do. */
  private settled = false;

  private constructor(private readonly cache: ImageCache, private readonly id: string, private readonly fh: FileHandle) {}

  /** A fill of this image, or null when it is cached or already being filled. */
  static async begin(cache: ImageCache, id: string): Promise<CacheFill | null> {
    if (!cache.claim(id)) return null;
    try {
      return new CacheFill(cache, id, await open(cache.incompletePathOf(id), 'w'));
    } catch (err) {
      cache.release(id);
      logger.warn({ imageId: id, err: (err as Error).message }, 'image cache: cannot start a fill');
      return null;
    }
  }

  get failed(): Error | null {
    return this.failure;
  }

  /** Appends a chunk (hashed now, so the caller may reuse it once the promise settles); never rejects. */
  write(chunk: Uint8Array): Promise<void> {
    if (this.failure) return Promise.resolve();
    this.hash.update(chunk);
    const at = this.position;
    this.position += chunk.byteLength;
    const p = this.fh.write(chunk, 0, chunk.byteLength, at).then(
      () => {},
      (err: Error) => {
        this.failure ??= err;
      },
    );
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p));
    return p;
  }

  /** The whole image arrived: keep it if it is the image's data, else discard. True when kept. */
  async commit(expected: Expected): Promise<boolean> {
    if (this.settled) return false;
    this.settled = true;
    await Promise.all(this.pending);
    const checksum = this.hash.digest('hex');
    const bad = this.failure?.message
      ?? (this.position !== expected.size ? `size ${this.position} != ${expected.size}`
        : expected.checksum && checksum !== expected.checksum ? `checksum ${checksum} != ${expected.checksum}` : null);
    if (bad) {
      logger.warn({ imageId: this.id, reason: bad }, 'image cache: fill discarded');
      await this.discard();
      return false;
    }
    try {
      await this.fh.close();
      await rename(this.cache.incompletePathOf(this.id), this.cache.pathOf(this.id));
      await this.cache.admit(this.id, expected.size, expected.checksum);
      return true;
    } catch (err) {
      logger.warn({ imageId: this.id, err: (err as Error).message }, 'image cache: fill not kept');
      await this.cache.remove(this.id);
      return false;
    } finally {
      await rm(this.cache.incompletePathOf(this.id), { force: true });
      this.cache.release(this.id);
    }
  }

  /** The stream failed or ended short: the incomplete file goes. */
  async abort(): Promise<void> {
    if (this.settled) return;
    this.settled = true;
    await this.discard();
  }

  private async discard(): Promise<void> {
    await Promise.all(this.pending);
    await this.fh.close().catch(() => {});
    await rm(this.cache.incompletePathOf(this.id), { force: true });
    this.cache.release(this.id);
  }
}

/**
 * A download's sink that also fills the cache; a chunk is done when the client
 * and the file have it. The last chunk reaches the client only once the fill
 * is settled, so a client that has the whole image finds it cached.
 */
export function teeSink(client: ChunkSink, fill: CacheFill, expected: Expected): ChunkSink {
  let received = 0;
  return {
    write(chunk, done) {
      received += chunk.byteLength;
      const filed = fill.write(chunk);
      if (received >= expected.size) {
        void filed.then(() => fill.commit(expected)).catch(() => false).then(() => client.write(chunk, (err) => done(err)));
        return;
      }
      return client.write(chunk, (err) => (err ? done(err) : void filed.then(() => done())));
    },
  };
}

/** The prefetcher's sink: the file alone; stops at the first failed write or when `stop()` says so. */
export function fileSink(fill: CacheFill, stop: () => Error | null): ChunkSink {
  return {
    write(chunk, done) {
      const reason = stop() ?? fill.failed;
      if (reason) return done(reason);
      void fill.write(chunk).then(() => done(fill.failed));
    },
  };
}
