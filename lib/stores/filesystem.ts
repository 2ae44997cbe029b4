// glance_store's filesystem driver: image data in one of several prioritized
// directories, as file://<dir>/<image id>. Streams in and out; never holds an
// image in memory.
import { constants as fsc } from 'node:fs';
import { access, chmod, mkdir, open, readdir, rename, rm, stat, statfs, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { BackendConfig, StoreDir } from '@/lib/config';
import type { Digests } from './hasher';
import { logger } from '@/lib/log';
import { IngestPipeline, type ContentObserver } from './ingest';
import { DataNotDeletable, StorageFull, storageError, StorageUnavailable } from './errors';
import {
  ImageDataGone, SizeLimitExceeded, overCap, StoreConfigError, UploadAborted,
  type AddOptions, type AdoptOptions, type ChunkSink, type DetachedData, type ImageBytes, type StoreDriver, type StoredData,
} from './driver';

const DETACHED = /^\.(.+)\.deleting$/;

/**
 * Downloads go through a few buffers reused as soon as Node has written them:
 * fresh ones per chunk cost page faults and garbage collections (README, Benchmark).
 */
const SEND_CHUNK = 1024 * 1024;
const SEND_BUFFERS = 3;

export class FilesystemStore implements StoreDriver {
  readonly type = 'file';
  // add() hands each chunk to IngestPipeline.push, which copies it into its slots before the next is asked for.
  readonly addCopiesChunks = true;
  readonly id: string;
  readonly description: string | null;
  readonly weight: number;
  readonly dirs: StoreDir[];
  private readonly section: string;
  /** Directories grouped by priority, highest first. */
  private readonly byPriority: StoreDir[][];

  constructor(backend: BackendConfig) {
    this.id = backend.id;
    this.description = backend.description;
    this.weight = backend.weight;
    this.section = backend.section;
    const dirs = (this.dirs = backend.file!.dirs);
    const priorities = [...new Set(dirs.map((d) => d.priority))].sort((a, b) => b - a);
    this.byPriority = priorities.map((p) => dirs.filter((d) => d.priority === p));
  }

  /** Start-up check: every directory exists, is a directory, and is readable and writable. */
  async verify(): Promise<void> {
    for (const d of this.dirs) {
      let st;
      try {
        st = await stat(d.path);
      } catch {
        throw new StoreConfigError(`[${this.section}] directory ${d.path} does not exist; create it or fix filesystem_store_datadir(s)`);
      }
      if (!st.isDirectory()) throw new StoreConfigError(`[${this.section}] ${d.path} is not a directory`);
      try {
        await access(d.path, fsc.R_OK | fsc.W_OK | fsc.X_OK);
      } catch {
        throw new StoreConfigError(`[${this.section}] directory ${d.path} is not readable and writable by this process`);
      }
    }
  }

  private async freeBytes(dir: string): Promise<number> {
    const s = await statfs(dir);
    return s.bavail * s.bsize;
  }

  /**
   * Glance's choice: the highest priority group that has a directory with room
   * for `size` bytes; within a group, the directory with the most free space.
   * Unknown size (0) needs only some room.
   */
  async chooseDir(size: number): Promise<string> {
    for (const group of this.byPriority) {
      let best: string | null = null;
      let bestFree = -1;
      for (const d of group) {
        const free = await this.freeBytes(d.path);
        if (free >= size && free > bestFree) {
          best = d.path;
          bestFree = free;
        }
      }
      if (best) return best;
    }
    throw new StorageFull();
  }

  static locationOf(file: string): string {
    return `file://${file}`;
  }

  static pathOf(location: string): string {
    if (!location.startsWith('file://')) throw new Error(`not a filesystem location: ${location}`);
    return location.slice('file://'.length);
  }

  /**
   * Write `data` as the image's file. The bytes go to a hidden partial file
   * that is renamed into place only when complete, hashed and accepted by
   * `check` (format inspection); on any failure the partial file is removed.
   */
  /** Is `location` a file in one of this store's directories? */
  owns(location: string): boolean {
    if (!location.startsWith('file://')) return false;
    const dir = path.dirname(FilesystemStore.pathOf(location));
    return this.dirs.some((d) => path.resolve(d.path) === dir);
  }

  /** Glance's file store details (GET /v2/info/stores/detail). */
  properties(): Record<string, unknown> {
    return { data_dir: this.dirs[0].path, chunk_size: 65536, thin_provisioning: false };
  }

  async add(imageId: string, data: ImageBytes, opts: AddOptions): Promise<StoredData> {
    if (opts.expectedSize !== null && opts.expectedSize > opts.cap) throw overCap(opts);
    const dir = await this.chooseDir(opts.expectedSize ?? 0);
    return this.writeNew(imageId, dir, opts.check ?? null, async (sink) => {
      if (data.fill) {
        // One byte past the cap is enough to refuse it.
        const fill = data.fill.bind(data);
        await sink.takeFromReader(fill, opts.cap + 1).finally(() => data.close?.());
        if (sink.size > opts.cap) throw overCap(opts);
      } else {
        for await (const chunk of data) {
          if (sink.size + chunk.byteLength > opts.cap) throw overCap(opts);
          const wait = sink.push(chunk);
          if (wait) await wait;
        }
      }
      if (opts.expectedSize !== null && sink.size !== opts.expectedSize) {
        throw new UploadAborted(`Request body ended after ${sink.size} of ${opts.expectedSize} bytes`);
      }
    });
  }

  /**
   * A complete file elsewhere (the console's staged upload) becomes the
   * image's data. On the chosen directory's filesystem it is hashed where it
   * lies and renamed into place: no copy, and no second image's worth of
   * free space needed. Elsewhere it is copied like add() does, read straight
   * into the hashing slots. `check` sees the bytes as they are read and may
   * refuse them before anything is put in place. With digests `known` from
   * the staging, a file renamed into place is not read at all. On success
   * `file` is gone or may be removed.
   */
  async adopt(imageId: string, file: string, opts: AdoptOptions): Promise<StoredData> {
    if (opts.size > opts.cap) throw new SizeLimitExceeded();
    const dir = await this.chooseDir(opts.size);
    const src = await open(file, 'r');
    const copy = (check: ContentObserver | null) => this.writeNew(imageId, dir, check, (sink) => sink.takeFrom(src, 0, opts.size));
    try {
      const info = await src.stat();
      if (info.size !== opts.size) throw new UploadAborted(`${file} has ${info.size} of ${opts.size} bytes`);
      if (info.dev !== (await stat(dir)).dev) return await copy(opts.check ?? null);
      let digests: Digests;
      if (opts.known) {
        digests = opts.known.digests;
        opts.known.conclude();
      } else {
        digests = await hashFile(src, opts.size, opts.check ?? null);
        opts.check?.conclude();
      }
      const final = path.join(dir, imageId);
      await chmod(file, 0o640);
      try {
        await rename(file, final);
      } catch (err) {
        // Same filesystem seen through two mounts (a bind mount): copy after all.
        if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw err;
        return await copy(null); // already inspected
      }
      return { location: FilesystemStore.locationOf(final), store: this.id, size: opts.size, ...digests };
    } finally {
      await src.close();
    }
  }

  /** A new image file in `dir`, filled by `fill` through a write-and-hash pipeline, via a partial file. */
  private async writeNew(
    imageId: string,
    dir: string,
    check: ContentObserver | null,
    fill: (sink: IngestPipeline) => Promise<void>,
  ): Promise<StoredData> {
    const final = path.join(dir, imageId);
    const partial = FilesystemStore.partialPath(dir, imageId);
    const fh = await openPartial(partial);
    const sink = new IngestPipeline(fh, check);
    let ok = false;
    try {
      await fill(sink);
      const digests = await sink.finish();
      check?.conclude();
      await fh.close();
      // A delete during the upload removes the partial file: the upload is gone.
      await rename(partial, final).catch((err) => {
        throw (err as NodeJS.ErrnoException).code === 'ENOENT' ? new ImageDataGone() : err;
      });
      ok = true;
      return { location: FilesystemStore.locationOf(final), store: this.id, size: sink.size, ...digests };
    } catch (err) {
      throw storageError(err);
    } finally {
      if (!ok) {
        await sink.abandon();
        await fh.close().catch(() => {});
        // On media gone read-only this fails too; the answer stays the first error.
        await rm(partial, { force: true }).catch((err) => logger.warn({ err: (err as Error).message, partial }, 'could not remove a partial upload'));
      }
    }
  }

  /**
   * Write bytes [start, end] (inclusive) of an image file to `sink`. The next
   * chunk is read while earlier ones are being written; a buffer is read
   * into again only once its previous chunk is written. Stops at the first
   * write error or when `signal` aborts; the file is always closed.
   */
  async copyTo(location: string, range: { start: number; end: number }, sink: ChunkSink, signal: AbortSignal): Promise<void> {
    return copyFileRange(FilesystemStore.pathOf(location), range, sink, signal);
  }

  /**
   * Before a download's headers go out: false when the file is gone (Glance
   * then answers 204); a 503 when it is there but cannot be read. Errors
   * after the headers can only cut the connection.
   */
  async readable(location: string): Promise<boolean> {
    try {
      await access(FilesystemStore.pathOf(location), fsc.R_OK);
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw new StorageUnavailable();
    }
  }

  /**
   * The first step of deleting an image's data: its file is moved aside, so a
   * store that cannot delete (read-only, failing) refuses before anything is
   * recorded, and the move can be undone if the record fails. Null when the
   * file is already gone.
   */
  async detach(location: string, imageId: string): Promise<DetachedData | null> {
    const file = FilesystemStore.pathOf(location);
    const aside = path.join(path.dirname(file), `.${path.basename(file)}.deleting`);
    try {
      await rename(file, aside);
      return { location, aside };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw new DataNotDeletable(imageId);
    }
  }

  /** The delete was not recorded: the file goes back where its location says. */
  async reattach(d: DetachedData): Promise<void> {
    if (d.aside) await rename(d.aside, FilesystemStore.pathOf(d.location));
  }

  /** The delete was recorded: the file goes. */
  async purge(d: DetachedData): Promise<void> {
    if (d.aside) await rm(d.aside, { force: true });
  }

  /** Files a restart caught between detach and purge or reattach. */
  async detachedData(): Promise<DetachedData[]> {
    const found: DetachedData[] = [];
    for (const d of this.dirs) {
      for (const name of await readdir(d.path)) {
        const m = DETACHED.exec(name);
        if (m) found.push({ location: FilesystemStore.locationOf(path.join(d.path, m[1])), aside: path.join(d.path, name) });
      }
    }
    return found;
  }

  async remove(location: string): Promise<void> {
    await rm(FilesystemStore.pathOf(location), { force: true });
  }

  static partialPath(dir: string, imageId: string): string {
    return path.join(dir, `.${imageId}.partial`);
  }

  /** An upload's partial file, wherever it is (a crashed upload, or a delete during one). */
  async removePartial(imageId: string): Promise<void> {
    await Promise.all(this.dirs.map((d) => rm(FilesystemStore.partialPath(d.path, imageId), { force: true })));
  }

  /**
   * Everything an interrupted upload may have left: the partial file, or the
   * complete file if the crash came between its rename and the database
   * commit. Only for images that have no location recorded.
   */
  async removeUnrecorded(imageId: string): Promise<void> {
    await this.removePartial(imageId);
    await Promise.all(this.dirs.map((d) => rm(path.join(d.path, imageId), { force: true })));
  }
}

/**
 * A new partial file. One left by an upload the media cut short is removed
 * first (only one upload of an image runs at a time: the state machine sees
 * to that). A read-only or unwritable directory fails here, before any data
 * is read.
 */
async function openPartial(partial: string): Promise<FileHandle> {
  try {
    await rm(partial, { force: true });
    return await open(partial, 'wx', 0o640);
  } catch (err) {
    throw storageError(err);
  }
}

/** md5 and sha512 of the first `size` bytes of an open file, through the hash-only pipeline (and `check`). */
async function hashFile(src: FileHandle, size: number, check: ContentObserver | null): Promise<Digests> {
  const hashing = new IngestPipeline(null, check);
  try {
    await hashing.takeFrom(src, 0, size);
    return await hashing.finish();
  } catch (err) {
    await hashing.abandon();
    throw err;
  }
}

export async function ensureDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
}

/** Bytes [start, end] of a local file to `sink` through a few reused buffers (the fastest way measured). */
export async function copyFileRange(file: string, range: { start: number; end: number }, sink: ChunkSink, signal: AbortSignal): Promise<void> {
  const fh = await open(file, 'r');
  const buffers = Array.from({ length: SEND_BUFFERS }, () => Buffer.allocUnsafeSlow(SEND_CHUNK));
  const writing: (Promise<void> | undefined)[] = [];
  const aborted = new Promise<never>((_, reject) => {
    const stop = () => reject(signal.reason ?? new Error('aborted'));
    if (signal.aborted) stop();
    else signal.addEventListener('abort', stop, { once: true });
  });
  aborted.catch(() => {});
  try {
    let position = range.start;
    for (let n = 0; position <= range.end; n++) {
      const slot = n % SEND_BUFFERS;
      if (writing[slot]) await Promise.race([writing[slot], aborted]);
      const want = Math.min(SEND_CHUNK, range.end - position + 1);
      const { bytesRead } = await fh.read(buffers[slot], 0, want, position);
      if (bytesRead === 0) throw new Error(`${file} ends before byte ${range.end}`);
      position += bytesRead;
      const chunk = bytesRead === SEND_CHUNK ? buffers[slot] : buffers[slot].subarray(0, bytesRead);
      writing[slot] = new Promise<void>((resolve, reject) => sink.write(chunk, (err) => (err ? reject(err) : resolve())));
      writing[slot].catch(() => {}); // seen when awaited in turn
    }
    await Promise.race([Promise.all(writing), aborted]);
  } finally {
    await fh.close();
  }
}
