// What every image store backend does (glance_store's driver interface, as
// this service uses it), and the errors all of them share.
import { GlanceError, RequestEntityTooLarge } from '@/lib/errors';
import type { Digests } from './hasher';
import type { ContentObserver } from './ingest';

export type { ContentObserver };

export interface StoredData extends Digests {
  location: string;
  /** The id of the store that holds it. */
  store: string;
  size: number;
}

/** Where a download's chunks go (a Node Writable): `done` once the chunk's bytes are no longer needed. */
export interface ChunkSink {
  write(chunk: Uint8Array, done: (err?: Error | null) => void): unknown;
}

/** Data taken out of sight while the delete of its image is being recorded; `aside` null when nothing was moved. */
export interface DetachedData {
  location: string;
  aside: string | null;
}

/**
 * Image bytes for add(): chunk by chunk, or, from a source that offers it
 * (a web-download body), read straight into the store's own buffers.
 */
export interface ImageBytes extends AsyncIterable<Uint8Array> {
  /** Fill `into` (all of it unless the data ends first); the count, 0 at the end. `into` is written only until this resolves. */
  fill?(into: Uint8Array): Promise<number>;
  /** Stop reading the source (after fill(); iterating closes it itself). */
  close?(): void;
}

export interface AddOptions {
  /** The Content-Length, when the client sent one. */
  expectedSize: number | null;
  /** image_size_cap, or less when a storage quota leaves less room. */
  cap: number;
  /** What going over `cap` raises; default image_size_cap's SizeLimitExceeded. */
  capError?: () => Error;
  /** Sees every byte (format inspection) and may refuse the data before it is kept. */
  check?: ContentObserver;
}

export interface AdoptOptions {
  size: number;
  cap: number;
  check?: ContentObserver;
  /**
   * The file's digests, computed while it was staged (size already checked):
   * a store that puts the file in place without reading it uses them and
   * calls conclude() instead of feeding `check`. A store that reads it
   * anyway (a copy) ignores them.
   */
  known?: { digests: Digests; conclude(): void };
}

export interface StoreDriver {
  /** The backend id clients see (enabled_backends), or the store type in single-store mode. */
  readonly id: string;
  readonly type: 'file' | 's3';
  readonly description: string | null;
  readonly weight: number;
  /** Is this location URI one of this store's? */
  owns(location: string): boolean;
  /** Start-up check; throws StoreConfigError naming the section and key to fix. */
  verify(): Promise<void>;
  add(imageId: string, data: ImageBytes, opts: AddOptions): Promise<StoredData>;
  /** True when add() has copied each chunk before it asks for the next, so a producer may reuse the chunk's buffer then. */
  readonly addCopiesChunks?: boolean;
  /** A complete staged file becomes the image's data (the imports of staged data). */
  adopt(imageId: string, file: string, opts: AdoptOptions): Promise<StoredData>;
  /** Bytes [start, end] (inclusive) to `sink`, with backpressure; stops when `signal` aborts. */
  copyTo(location: string, range: { start: number; end: number }, sink: ChunkSink, signal: AbortSignal): Promise<void>;
  /** False when the data is gone (Glance then answers 204); throws StorageUnavailable when it cannot tell. */
  readable(location: string): Promise<boolean>;
  /** The first step of a delete; refuses (DataNotDeletable, StorageUnavailable) before anything is recorded. Null: already gone. */
  detach(location: string, imageId: string): Promise<DetachedData | null>;
  /** The delete was not recorded: undo detach(). */
  reattach(d: DetachedData): Promise<void>;
  /** The delete was recorded: the data goes. */
  purge(d: DetachedData): Promise<void>;
  /** Data a restart caught between detach() and purge() or reattach(). */
  detachedData(): Promise<DetachedData[]>;
  remove(location: string): Promise<void>;
  /** An interrupted upload's partial data (a partial file, unfinished multipart uploads). */
  removePartial(imageId: string): Promise<void>;
  /** Partial and complete data of an image that has no location recorded. */
  removeUnrecorded(imageId: string): Promise<void>;
  /** GET /v2/info/stores/detail's `properties`, as Glance reports them (never secrets). */
  properties(): Record<string, unknown>;
}

export class StoreConfigError extends Error {}

/** image_size_cap, in Glance's words (ImageSizeLimitExceeded as the upload API reports it). */
export class SizeLimitExceeded extends RequestEntityTooLarge {
  constructor() {
    super('The incoming image is too large: The provided image is too large.');
  }
}

/** The error for data over `opts.cap`. */
export function overCap(opts: Pick<AddOptions, 'capError'>): Error {
  return opts.capError?.() ?? new SizeLimitExceeded();
}

/** The image was deleted while its data was arriving. */
export class ImageDataGone extends Error {}

/** The client went away or the body ended early: no data kept, nothing to answer. */
export class UploadAborted extends GlanceError {
  constructor(reason: string) {
    super(400, reason);
  }
}
