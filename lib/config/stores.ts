// The image stores of glance-api.conf, read as glance_store reads them:
// either one [glance_store] section (single store, no store ids), or
// `[DEFAULT] enabled_backends = id:type, ...` with one section per id and
// `[glance_store] default_backend` (multi-store).
import path from 'node:path';
import { ConfigError, type Section, all, bool, int, last, str } from './ini';

export type StoreType = 'file' | 's3';
const STORE_TYPES: readonly StoreType[] = ['file', 's3'];

export interface StoreDir {
  path: string;
  priority: number;
}

export interface S3BackendConfig {
  host: string;
  regionName: string | null;
  accessKey: string;
  secretKey: string;
  bucket: string;
  createBucketOnPut: boolean;
  bucketUrlFormat: 'auto' | 'virtual' | 'path';
  /** MB: above this size an upload goes in parts (glance_store's s3_store_large_object_size). */
  largeObjectSize: number;
  /** MB per part. */
  largeObjectChunkSize: number;
  /** Parts in flight per upload. */
  threadPools: number;
  /** A CA bundle for an https endpoint; null = the system's. */
  cacert: string | null;
}

export interface BackendConfig {
  /** The id clients see (enabled_backends); in single-store mode the store type. */
  id: string;
  type: StoreType;
  description: string | null;
  weight: number;
  /** The section its options came from, for error messages. */
  section: string;
  file?: { dirs: StoreDir[] };
  s3?: S3BackendConfig;
}

export interface StoresConfig {
  /** enabled_backends is set: store ids, /v2/info/stores and X-Image-Meta-Store are on. */
  multiStore: boolean;
  defaultBackend: string;
  backends: BackendConfig[];
}

/** Parse `PATH[:PRIORITY]` the way glance_store's filesystem driver does. */
export function parseStoreDirs(section: string, single: string | undefined, multi: string[], baseDir: string): StoreDir[] {
  const hasSingle = single !== undefined && single.trim() !== '';
  if (hasSingle && multi.length > 0) {
    throw new ConfigError(`[${section}] specify either 'filesystem_store_datadir' or 'filesystem_store_datadirs', not both`);
  }
  const entries = hasSingle ? [single!.trim()] : multi;
  const dirs: StoreDir[] = [];
  for (const entry of entries) {
    const m = /^(.*?)(?::(-?\d+))?$/.exec(entry)!;
    const dir = path.resolve(baseDir, m[1]);
    const priority = m[2] === undefined ? 0 : Number(m[2]);
    if (dirs.some((d) => d.path === dir)) {
      throw new ConfigError(`[${section}] directory ${dir} is specified multiple times in filesystem_store_datadirs`);
    }
    dirs.push({ path: dir, priority });
  }
  return dirs;
}

const URL_FORMATS = ['auto', 'virtual', 'path'] as const;

function parseS3(section: string, s: Section): S3BackendConfig {
  const need = (key: string) => {
    const v = str(s, key);
    if (!v) throw new ConfigError(`[${section}] ${key} is required for an s3 store`);
    return v;
  };
  const format = str(s, 's3_store_bucket_url_format') || 'auto';
  if (!(URL_FORMATS as readonly string[]).includes(format)) {
    throw new ConfigError(`[${section}] s3_store_bucket_url_format must be one of auto, virtual, path, got "${format}"`);
  }
  const positive = (key: string, fallback: number) => {
    const n = int(section, key, last(s[key]), fallback);
    if (n < 1) throw new ConfigError(`[${section}] ${key} must be at least 1, got "${last(s[key])}"`);
    return n;
  };
  const chunk = positive('s3_store_large_object_chunk_size', 10);
  // S3 parts other than the last must be at least 5 MiB.
  if (chunk < 5) throw new ConfigError(`[${section}] s3_store_large_object_chunk_size must be at least 5 (MB), got "${chunk}"`);
  return {
    host: need('s3_store_host'),
    regionName: str(s, 's3_store_region_name') || null,
    accessKey: need('s3_store_access_key'),
    secretKey: need('s3_store_secret_key'),
    bucket: need('s3_store_bucket'),
    createBucketOnPut: bool(section, 's3_store_create_bucket_on_put', last(s.s3_store_create_bucket_on_put), false),
    bucketUrlFormat: format as S3BackendConfig['bucketUrlFormat'],
    largeObjectSize: positive('s3_store_large_object_size', 100),
    largeObjectChunkSize: chunk,
    threadPools: positive('s3_store_thread_pools', 10),
    cacert: str(s, 's3_store_cacert') || null,
  };
}

function parseBackend(id: string, type: StoreType, section: string, s: Section, defaultDir: string, baseDir: string): BackendConfig {
  const weight = Number(str(s, 'weight') || '0');
  if (!Number.isSafeInteger(weight)) throw new ConfigError(`[${section}] weight must be an integer, got "${str(s, 'weight')}"`);
  const backend: BackendConfig = { id, type, description: str(s, 'store_description') || null, weight, section };
  if (type === 'file') {
    const dirs = parseStoreDirs(section, last(s.filesystem_store_datadir), all(s.filesystem_store_datadirs), baseDir);
    backend.file = { dirs: dirs.length > 0 ? dirs : [{ path: defaultDir, priority: 0 }] };
  } else {
    backend.s3 = parseS3(section, s);
  }
  return backend;
}

/** `fast:file, ceph:s3` → [['fast', 'file'], ['ceph', 's3']], with oslo's DictOpt errors in our words. */
function parseEnabledBackends(raw: string): [string, StoreType][] {
  const entries: [string, StoreType][] = [];
  for (const item of raw.split(',').map((x) => x.trim()).filter((x) => x !== '')) {
    const m = /^([^:\s]+)\s*:\s*(\S+)$/.exec(item);
    if (!m) throw new ConfigError(`[DEFAULT] enabled_backends: "${item}" is not of the form id:type (e.g. fast:file, ceph:s3)`);
    const [, id, type] = m;
    if (!(STORE_TYPES as readonly string[]).includes(type)) {
      throw new ConfigError(`[DEFAULT] enabled_backends: store type "${type}" of "${id}" is not one of ${STORE_TYPES.join(', ')}`);
    }
    if (id.startsWith('os_glance_')) throw new ConfigError(`[DEFAULT] enabled_backends: "${id}": ids starting with os_glance_ are reserved`);
    if (entries.some(([seen]) => seen === id)) throw new ConfigError(`[DEFAULT] enabled_backends: "${id}" is listed twice`);
    entries.push([id, type as StoreType]);
  }
  return entries;
}

export function parseStores(doc: Record<string, Section>, dataDir: string, baseDir: string): StoresConfig {
  const dflt = doc.DEFAULT ?? {};
  const glanceStore = doc.glance_store ?? {};
  const enabled = str(dflt, 'enabled_backends');
  if (!enabled) {
    // Single store: [glance_store] default_store (file unless s3 is asked for).
    const type = (str(glanceStore, 'default_store') || 'file') as StoreType;
    if (!STORE_TYPES.includes(type)) throw new ConfigError(`[glance_store] default_store "${type}" is not one of ${STORE_TYPES.join(', ')}`);
    const backend = parseBackend(type, type, 'glance_store', glanceStore, path.join(dataDir, 'images'), baseDir);
    return { multiStore: false, defaultBackend: type, backends: [backend] };
  }
  const entries = parseEnabledBackends(enabled);
  if (entries.length === 0) throw new ConfigError('[DEFAULT] enabled_backends names no store');
  const defaultBackend = str(glanceStore, 'default_backend');
  if (!defaultBackend) throw new ConfigError('[glance_store] default_backend is required when [DEFAULT] enabled_backends is set');
  if (!entries.some(([id]) => id === defaultBackend)) {
    throw new ConfigError(`[glance_store] default_backend "${defaultBackend}" is not one of enabled_backends (${entries.map(([id]) => id).join(', ')})`);
  }
  const backends = entries.map(([id, type]) => parseBackend(id, type, id, doc[id] ?? {}, path.join(dataDir, 'images', id), baseDir));
  const dirs = backends.flatMap((b) => b.file?.dirs ?? []);
  const shared = dirs.find((d, i) => dirs.findIndex((e) => e.path === d.path) !== i);
  if (shared) throw new ConfigError(`directory ${shared.path} is used by two file stores; give each its own filesystem_store_datadir`);
  return { multiStore: true, defaultBackend, backends };
}

/** Every directory of every file store (start-up creates the ones inside the data folder). */
export function fileStoreDirs(stores: StoresConfig): StoreDir[] {
  return stores.backends.flatMap((b) => b.file?.dirs ?? []);
}
