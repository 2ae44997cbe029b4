// The download path's two hooks: a cached image is read from the local file
// (the store is not asked, so it may be down); a whole download of an active
// image not cached yet fills the cache as it streams to the client.
import type { ChunkSink } from '@/lib/stores/driver';
import { copyFileRange } from '@/lib/stores/filesystem';
import { imageCache } from './cache';
import { CacheFill, teeSink } from './fill';

export type Bytes = { start: number; end: number };
export type Reader = (bytes: Bytes, sink: ChunkSink, signal: AbortSignal) => Promise<void>;
export interface CacheableImage {
  id: string;
  status: string;
  size: bigint | number | null;
  checksum: string | null;
}

/**
 * The cached copy's reader, or null. An entry whose image is no longer active
 * (deactivated) or whose size or checksum changed is dropped, never served.
 */
export async function cachedReader(image: CacheableImage): Promise<Reader | null> {
  const cache = imageCache();
  const entry = cache?.entry(image.id);
  if (!cache || !entry) return null;
  if (image.status !== 'active' || entry.size !== Number(image.size) || entry.checksum !== image.checksum) {
    await cache.remove(image.id);
    return null;
  }
  const file = cache.pathOf(image.id);
  return (bytes, sink, signal) => {
    cache.hit(image.id);
    return copyFileRange(file, bytes, sink, signal);
  };
}

/** The store's reader, filling the cache when it reads a whole active image. */
export function fillingReader(image: CacheableImage, read: Reader): Reader {
  const cache = imageCache();
  if (!cache || image.status !== 'active' || image.size === null) return read;
  const size = Number(image.size);
  return async (bytes, sink, signal) => {
    const whole = bytes.start === 0 && bytes.end === size - 1;
    const fill = whole ? await CacheFill.begin(cache, image.id) : null;
    if (!fill) return read(bytes, sink, signal);
    try {
      await read(bytes, teeSink(sink, fill, { size, checksum: image.checksum }), signal);
    } finally {
      await fill.abort(); // nothing left to do once the last chunk committed it
    }
  };
}
