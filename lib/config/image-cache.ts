// Glance's image cache options ([DEFAULT] image_cache_*): the cache is on when
// image_cache_dir is set. Glance's paste flavors `keystone+caching` and
// `keystone+cachemanagement` are accepted and then require image_cache_dir.
import path from 'node:path';
import { ConfigError, type Section, int, last, positiveInt } from './ini';

export interface ImageCacheConfig {
  /** The node-local cache directory; null = no cache (the cache API answers Glance's 404). */
  dir: string | null;
  /** image_cache_max_size, bytes: the pruner brings the cache down to this (Glance's default 10 GiB). */
  maxSize: number;
  /** image_cache_stall_time, seconds: an incomplete cache file untouched this long is removed. */
  stallTime: number;
  /** cache_prefetcher_interval, seconds: how often queued images are fetched. */
  prefetcherInterval: number;
}

const CACHE_FLAVORS = /\+(cachemanagement|caching)$/;

/** The auth part of a `[paste_deploy] flavor`, and whether it named a cache flavor. */
export function splitCacheFlavor(raw: string): { auth: string; cacheFlavor: boolean } {
  return { auth: raw.replace(CACHE_FLAVORS, ''), cacheFlavor: CACHE_FLAVORS.test(raw) };
}

export function parseImageCache(dflt: Section, baseDir: string, cacheFlavor: boolean): ImageCacheConfig {
  const raw = (last(dflt.image_cache_dir) ?? '').trim();
  if (cacheFlavor && raw === '') throw new ConfigError('[DEFAULT] image_cache_dir is required by the cache flavors of [paste_deploy] flavor');
  return {
    dir: raw === '' ? null : path.resolve(baseDir, raw),
    maxSize: int('DEFAULT', 'image_cache_max_size', last(dflt.image_cache_max_size), 10 * 1024 ** 3),
    stallTime: int('DEFAULT', 'image_cache_stall_time', last(dflt.image_cache_stall_time), 86400),
    prefetcherInterval: positiveInt('DEFAULT', 'cache_prefetcher_interval', last(dflt.cache_prefetcher_interval), 300),
  };
}
