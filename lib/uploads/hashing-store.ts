// The staging area's tus store, hashing a browser upload as its chunks are
// written (md5, sha512 and the format findings, as PUT /stage does), so the
// import has nothing left to hash (staged-sums.ts). The hash state lives in
// this process only: it follows an upload from its first byte through
// consecutive PATCH requests. A chunk at another offset (an upload resumed
// after a restart, or after a PATCH that failed half-way) drops it, and the
// import hashes the staged file itself, as before.
import path from 'node:path';
import { open, type FileHandle } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { FileStore } from '@tus/file-store';
import { FormatDetection } from '@/lib/images/content-check';
import { logger } from '@/lib/log';
import { IngestPipeline } from '@/lib/stores/ingest';
import { recycle } from './coalesce';
import { recordStagedSums } from './staged-sums';

/**
 * Uploads hashed at once by this process. Each holds a 16 MiB hashing buffer
 * while it is open, even idle between PATCHes: past this many, an upload is
 * staged unhashed and its import hashes it, so open uploads cannot pin memory.
 */
const MAX_HASHED_UPLOADS = 2;
/** An upload that sent nothing for this long gives its place up to a new one (its import will hash it). */
const IDLE_MS = 60_000;

interface Hashing {
  sink: IngestPipeline;
  detection: FormatDetection;
  /** Bytes hashed: the staged file's length when the state is current. */
  offset: number;
  /** When it last received a chunk. */
  active: number;
  /** A chunk is waiting for a hashing slot (not idle, whatever `active` says). */
  waiting: boolean;
}

export class HashingFileStore extends FileStore {
  /** Uploads being hashed by this process (each holds its hashing pipeline's buffer until it ends). */
  private readonly hashing = new Map<string, Hashing>();

  override async write(readable: Readable, id: string, offset: number): Promise<number> {
    if (offset === 0) this.begin(id);
    const h = this.hashing.get(id);
    if (!h || h.offset !== offset) {
      this.drop(id);
      return super.write(readable, id, offset);
    }
    let end: number;
    try {
      end = await this.writeHashed(readable, id, offset, h);
    } catch (err) {
      this.drop(id); // some of what was hashed may not be in the file
      throw err;
    }
    if (this.hashing.get(id) !== h) return end;
    const size = (await this.configstore.get(id))?.size;
    if (end !== h.offset) this.drop(id);
    else if (size === end) await this.conclude(id, h);
    return end;
  }

  /**
   * Each chunk to the hash and then to the file at its offset (one write in
   * flight), as FileStore would write it but without its stream's 16 KiB
   * buffering: a chunk is done with once written, so a coalesced piece goes
   * back to be filled again (coalesce.ts) instead of waiting for the GC.
   * Hashing that stops (dropped, failed) lets the bytes through unhashed.
   */
  private async writeHashed(readable: Readable, id: string, offset: number, h: Hashing): Promise<number> {
    const fh = await open(path.join(this.directory, id), 'r+');
    let position = offset;
    // A write that fails is remembered, never left as a rejected promise nobody awaits yet.
    let writing: Promise<void> | null = null;
    let failure: unknown = null;
    const check = () => {
      if (failure) throw failure;
    };
    try {
      for await (const chunk of readable as AsyncIterable<Buffer>) {
        check();
        if (this.hashing.get(id) === h) await this.hash(id, h, chunk);
        if (writing) await writing;
        check();
        writing = writeAt(fh, chunk, position).then(
          () => recycle(chunk),
          (err: unknown) => void (failure ??= err),
        );
        position += chunk.byteLength;
      }
      if (writing) await writing;
      check();
    } catch (err) {
      await writing;
      // As it is: a full or read-only staging area (ENOSPC, EROFS) is answered in Glance's words (tus.ts).
      throw err;
    } finally {
      await fh.close();
    }
    return position;
  }

  /** Feed one chunk to an upload's hashing; a failure stops the hashing, not the upload. */
  private async hash(id: string, h: Hashing, chunk: Buffer): Promise<void> {
    h.offset += chunk.byteLength;
    h.active = Date.now();
    try {
      const wait = h.sink.push(chunk);
      if (!wait) return;
      h.waiting = true;
      await wait;
    } catch {
      if (this.hashing.get(id) === h) this.drop(id);
    } finally {
      h.waiting = false;
    }
  }

  override async remove(id: string): Promise<void> {
    this.drop(id);
    await super.remove(id);
  }

  /** Stop hashing an upload (it ended, failed or is gone); its import will hash the file. */
  drop(id: string): void {
    const h = this.hashing.get(id);
    if (!h) return;
    this.hashing.delete(id);
    void h.sink.abandon();
  }

  private begin(id: string): void {
    this.drop(id);
    const now = Date.now();
    for (const [other, h] of this.hashing) if (!h.waiting && now - h.active > IDLE_MS) this.drop(other);
    if (this.hashing.size >= MAX_HASHED_UPLOADS) return;
    const detection = new FormatDetection();
    this.hashing.set(id, { sink: new IngestPipeline(null, detection), detection, offset: 0, active: now, waiting: false });
  }

  /** Every byte is staged: its sums go beside the file, before tus announces the upload finished. */
  private async conclude(id: string, h: Hashing): Promise<void> {
    this.hashing.delete(id);
    try {
      const digests = await h.sink.finish();
      await recordStagedSums(path.join(this.directory, id), { size: h.offset, digests, findings: h.detection.findings() });
    } catch (err) {
      await h.sink.abandon();
      logger.warn({ err, imageId: id }, 'could not record the sums of a staged upload; its import will hash it');
    }
  }
}

async function writeAt(fh: FileHandle, buf: Buffer, position: number): Promise<void> {
  for (let done = 0; done < buf.byteLength; ) {
    const { bytesWritten } = await fh.write(buf, done, buf.byteLength - done, position + done);
    done += bytesWritten;
  }
}
