// glance_store's filesystem driver: image data in one of several prioritized
// directories, as file://<dir>/<image id>. Streams in and out; never holds an
// image in memory.
import { constants as fsc } from 'node:fs';
import { access, mkdir, open, rename, rm, stat, statfs, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { StoreDir } from '@/lib/config';
import { RequestEntityTooLarge, ServiceUnavailable, GlanceError } from '@/lib/errors';
import type { Digests } from './hasher';
import { IngestPipeline } from './ingest';

/** Download chunk size: large, so Next's per-chunk piping cost stays small. */
const READ_CHUNK = 4 * 1024 * 1024;

export interface StoredData extends Digests {
  location: string;
  size: number;
}

export class StoreConfigError extends Error {}

/** Glance's words for a full store, used for both "no directory has room" and ENOSPC. */
export class StorageFull extends RequestEntityTooLarge {
  constructor() {
    super('Image storage media is full: There is not enough disk space on the image storage media.');
  }
}

/** image_size_cap, in Glance's words (ImageSizeLimitExceeded as the upload API reports it). */
export class SizeLimitExceeded extends RequestEntityTooLarge {
  constructor() {
    super('The incoming image is too large: The provided image is too large.');
  }
}

/** The image was deleted while its data was arriving. */
export class ImageDataGone extends Error {}

/** The client went away or the body ended early: no data kept, nothing to answer. */
export class UploadAborted extends GlanceError {
  constructor(reason: string) {
    super(400, reason);
  }
}

export class FilesystemStore {
  /** Directories grouped by priority, highest first. */
  private readonly byPriority: StoreDir[][];

  constructor(readonly dirs: StoreDir[]) {
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
        throw new StoreConfigError(`[glance_store] directory ${d.path} does not exist; create it or fix filesystem_store_datadir(s)`);
      }
      if (!st.isDirectory()) throw new StoreConfigError(`[glance_store] ${d.path} is not a directory`);
      try {
        await access(d.path, fsc.R_OK | fsc.W_OK | fsc.X_OK);
      } catch {
        throw new StoreConfigError(`[glance_store] directory ${d.path} is not readable and writable by this process`);
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
   * that is renamed into place only when complete and hashed; on any failure
   * the partial file is removed.
   */
  async add(imageId: string, data: AsyncIterable<Uint8Array>, opts: { expectedSize: number | null; cap: number }): Promise<StoredData> {
    if (opts.expectedSize !== null && opts.expectedSize > opts.cap) throw new SizeLimitExceeded();
    const dir = await this.chooseDir(opts.expectedSize ?? 0);
    const final = path.join(dir, imageId);
    const partial = FilesystemStore.partialPath(dir, imageId);
    const fh = await open(partial, 'wx', 0o640);
    const sink = new IngestPipeline(fh);
    let ok = false;
    try {
      for await (const chunk of data) {
        if (sink.size + chunk.byteLength > opts.cap) throw new SizeLimitExceeded();
        const wait = sink.push(chunk);
        if (wait) await wait;
      }
      if (opts.expectedSize !== null && sink.size !== opts.expectedSize) {
        throw new UploadAborted(`Request body ended after ${sink.size} of ${opts.expectedSize} bytes`);
      }
      const digests = await sink.finish();
      await fh.close();
      // A delete during the upload removes the partial file: the upload is gone.
      await rename(partial, final).catch((err) => {
        throw (err as NodeJS.ErrnoException).code === 'ENOENT' ? new ImageDataGone() : err;
      });
      ok = true;
      return { location: FilesystemStore.locationOf(final), size: sink.size, ...digests };
    } catch (err) {
      throw translateWriteError(err);
    } finally {
      if (!ok) {
        await sink.abandon();
        await fh.close().catch(() => {});
        await rm(partial, { force: true });
      }
    }
  }

  /**
   * A byte range [start, end] (inclusive) of an image file as a web stream
   * of large chunks: Next pipes route-handler bodies chunk by chunk, so few
   * big chunks cost far less than many small ones. Up to four chunks are read
   * ahead (16 MiB), so disk reads overlap the socket writes;
   * the file is closed at the end, on error and when the client goes away.
   */
  read(location: string, range?: { start: number; end: number }): ReadableStream<Uint8Array> {
    const file = FilesystemStore.pathOf(location);
    let position = range?.start ?? 0;
    const last = range?.end ?? Infinity;
    let fh: FileHandle | null = null;
    const close = async () => {
      const h = fh;
      fh = null;
      await h?.close();
    };
    return new ReadableStream<Uint8Array>(
      {
        async start() {
          fh = await open(file, 'r');
        },
        async pull(controller) {
          try {
            const want = Math.min(READ_CHUNK, last - position + 1);
            const buf = Buffer.allocUnsafe(want);
            const { bytesRead } = want > 0 ? await fh!.read(buf, 0, want, position) : { bytesRead: 0 };
            if (bytesRead === 0) {
              await close();
              controller.close();
              return;
            }
            position += bytesRead;
            controller.enqueue(bytesRead === want ? buf : buf.subarray(0, bytesRead));
          } catch (err) {
            await close().catch(() => {});
            controller.error(err);
          }
        },
        async cancel() {
          await close();
        },
      },
      { highWaterMark: 4 },
    );
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

function translateWriteError(err: unknown): unknown {
  const code = (err as NodeJS.ErrnoException)?.code;
  if (code === 'ENOSPC' || code === 'EDQUOT') return new StorageFull();
  if (code === 'EACCES' || code === 'EROFS' || code === 'EPERM') {
    return new ServiceUnavailable('Insufficient permissions on image storage media: Permission to write image storage media denied.');
  }
  return err;
}

export async function ensureDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
}
