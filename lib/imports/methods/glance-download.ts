// glance-download (Glance's _ImportMetadata + _DownloadGlanceImage): the image
// and its metadata come from another region's image service, found in the
// requesting user's service catalog; both requests carry the user's token.
// The remote image must be active; its disk_format, container_format and the
// properties named by [glance_download_properties] extra_properties are set on
// this image (undone if the import fails), then its data streams into the
// target store(s) as web-download's does ([import_filtering_opts] applies),
// hashed and inspected, and must match the remote size and checksums.
import type { RequestContext } from '@/lib/auth/context';
import { getConfig } from '@/lib/config';
import { BadRequest } from '@/lib/errors';
import { CORE_ATTRIBUTES } from '@/lib/images/constants';
import { findLiveImage, inTransaction, liveProperty, setImportingFormats, setServiceProperties } from '@/lib/images/repository';
import { logger } from '@/lib/log';
import type { StoreDriver, StoredData } from '@/lib/stores/driver';
import { pyStr, type ImportRequest } from '../body';
import { glanceEndpoint, type RemoteCredentials } from '../remote-glance';
import { openWebSource } from '../web-fetch';
import { filterImportUri, redactUri } from '../web/uri-filter';
import { stagedDownload } from './staged-source';
import type { ImportMethod, ImportSource } from './types';

const LABEL = 'glance-download';
const MAX_METADATA_BYTES = 1 << 20;

/** The user's token per accepted task, for its run on this node; never stored (a resumed run cannot have it). */
const credentials = new Map<string, RemoteCredentials & { at: number }>();
const KEEP_MS = 3_600_000;

/** Glance's ImportTaskError and _InvalidGlanceDownloadImageStatus: the task fails with this message. */
export class GlanceDownloadError extends Error {}

/** Python's uuid.UUID(): what Glance accepts as glance_image_id. */
export function looksLikeUuid(v: unknown): boolean {
  if (typeof v !== 'string') return false;
  const hex = v.replaceAll('urn:', '').replaceAll('uuid:', '').replace(/^[{}]+|[{}]+$/g, '').replaceAll('-', '');
  return /^[0-9a-f]{32}$/i.test(hex);
}

/** images.py's glance-download checks, in its order and words; the interface defaults to public in the stored request too. */
export function checkGlanceDownloadBody(req: ImportRequest): void {
  const method = req.method;
  if (!Object.hasOwn(method, 'glance_region')) throw new BadRequest("'glance_region' needs to be set for glance-download import method");
  if (!Object.hasOwn(method, 'glance_image_id')) throw new BadRequest("'glance_image_id' needs to be set for glance-download import method");
  if (!looksLikeUuid(method.glance_image_id)) throw new BadRequest(`Remote image id does not look like a UUID: ${pyStr(method.glance_image_id)}`);
  if (!Object.hasOwn(method, 'glance_service_interface')) {
    method.glance_service_interface = 'public';
    const raw = req.raw.method as Record<string, unknown>;
    raw.glance_service_interface = 'public';
  }
}

/** The remote image's properties _ImportMetadata copies: names starting with a configured prefix, never os_glance_* or core attributes. */
export function propertiesToCopy(remote: Record<string, unknown>, prefixes: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(remote)) {
    if (!prefixes.some((p) => key.startsWith(p))) continue;
    if (key.startsWith('os_glance') || CORE_ATTRIBUTES.has(key) || typeof value !== 'string') continue;
    out[key] = value;
  }
  return out;
}

export const glanceDownload: ImportMethod = {
  name: 'glance-download',
  // Glance's BaseDownload revert: a download that fails before any store read it fails every target store.
  openFailsEveryStore: true,
  statusConflict: (status) => (status === 'queued' ? null : "Image needs to be in 'queued' state to use 'glance-download' method"),
  checkBody: checkGlanceDownloadBody,
  accepted(ctx: RequestContext, taskId: string) {
    const now = Date.now();
    for (const [id, c] of credentials) if (now - c.at > KEEP_MS) credentials.delete(id);
    credentials.set(taskId, { token: ctx.authToken ?? null, baseUrl: ctx.baseUrl, serviceCatalog: ctx.serviceCatalog, at: now });
  },
  async open({ imageId, taskId, request, targets }): Promise<ImportSource> {
    const creds = credentials.get(taskId);
    credentials.delete(taskId);
    if (!creds) throw new GlanceDownloadError("The user's token for this glance-download is no longer available (the task was interrupted); import the image again.");
    const m = request.method as Record<string, unknown>;
    const region = String(m.glance_region);
    const remoteId = String(m.glance_image_id);
    const endpoint = await glanceEndpoint(creds, region, String(m.glance_service_interface ?? 'public'));
    const headers: Record<string, string> = creds.token ? { 'X-Auth-Token': creds.token } : {};
    const imageUrl = `${endpoint}/v2/images/${encodeURIComponent(remoteId)}`;
    logger.info({ imageId, task: taskId, url: imageUrl }, 'glance-download: fetching the remote image metadata');
    const remote = await readJson(imageUrl, headers);
    if (remote.status !== 'active') throw new GlanceDownloadError(`Source image status should be active instead of ${pyStr(remote.status)}`);
    const size = Number(remote.size);
    if (remote.size === null || remote.size === undefined || !Number.isSafeInteger(size) || size < 0) {
      throw new GlanceDownloadError(`Size attribute of remote image ${remoteId} could not be determined.`);
    }
    const revert = await copyMetadata(imageId, remote);
    try {
      const fileUrl = `${imageUrl}/file`;
      if (!filterImportUri(fileUrl, getConfig().importFiltering).ok) {
        throw new GlanceDownloadError(`Processed URI for glance-download does not pass filtering: ${redactUri(fileUrl)}`);
      }
      const open = () => openWebSource(fileUrl, { headers, label: LABEL });
      const expected = { size, checksum: str(remote.checksum), algo: str(remote.os_hash_algo), hash: str(remote.os_hash_value), taskId };
      const inner: ImportSource =
        targets > 1
          ? await stagedDownload(imageId, open)
          : {
              size: null,
              async into(store, { cap, capError, check }) {
                const { body, contentLength } = await open();
                return store.add(imageId, body, { expectedSize: contentLength, cap, capError, check });
              },
              discard: async () => {},
            };
      return {
        size: inner.size,
        into: async (store, opts) => verified(store, await inner.into(store, opts), expected),
        discard: () => inner.discard(),
        revert,
      };
    } catch (err) {
      await revert().catch(() => {});
      throw err;
    }
  },
};

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

/** GET a JSON document (bounded) with the user's token; urllib's "HTTP Error 404: Not Found" style on failure. */
async function readJson(url: string, headers: Record<string, string>): Promise<Record<string, unknown>> {
  const { body } = await openWebSource(url, { headers, label: LABEL });
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const c of body) {
    total += c.length;
    if (total > MAX_METADATA_BYTES) throw new GlanceDownloadError(`The remote image's metadata at ${redactUri(url)} is too large`);
    chunks.push(c);
  }
  try {
    const doc = JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
    if (doc && typeof doc === 'object' && !Array.isArray(doc)) return doc as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw new GlanceDownloadError(`The remote image's metadata at ${redactUri(url)} is not a JSON object`);
}

/** disk_format, container_format and the extra properties onto the importing image; returns the undo. */
async function copyMetadata(imageId: string, remote: Record<string, unknown>): Promise<() => Promise<void>> {
  const image = await findLiveImage(imageId);
  if (!image) throw new GlanceDownloadError('Image has been deleted, aborting import.');
  const props = propertiesToCopy(remote, getConfig().glanceDownloadProperties);
  const old: Record<string, string | null> = {};
  for (const key of Object.keys(props)) old[key] = await liveProperty(imageId, key);
  const before = { diskFormat: image.diskFormat, containerFormat: image.containerFormat };
  await inTransaction(async (tx) => {
    await setImportingFormats(tx, imageId, { diskFormat: str(remote.disk_format) ?? before.diskFormat, containerFormat: str(remote.container_format) ?? before.containerFormat });
    await setServiceProperties(tx, imageId, props);
  });
  return async () => {
    await inTransaction(async (tx) => {
      await setImportingFormats(tx, imageId, before);
      await setServiceProperties(tx, imageId, old);
    });
  };
}

/** The stored copy must be the remote image: its size (Glance's check) and, beyond Glance, its checksums. */
async function verified(
  store: StoreDriver,
  s: StoredData,
  expected: { size: number; checksum: string | null; algo: string | null; hash: string | null; taskId: string },
): Promise<StoredData> {
  let why: string | null = null;
  if (s.size !== expected.size) {
    why = `Task ${expected.taskId} failed because downloaded data size ${s.size} is different from expected ${expected.size}`;
  } else if (expected.checksum && s.checksum && s.checksum !== expected.checksum) {
    why = `Task ${expected.taskId} failed because the downloaded data's checksum ${s.checksum} is different from the remote image's ${expected.checksum}`;
  } else if (expected.hash && expected.algo === s.osHashAlgo && s.osHashValue !== expected.hash) {
    why = `Task ${expected.taskId} failed because the downloaded data's ${s.osHashAlgo} hash is different from the remote image's`;
  }
  if (why === null) return s;
  await store.remove(s.location).catch((err) => logger.warn({ err, location: s.location }, 'could not remove a glance-download copy that did not match'));
  throw new GlanceDownloadError(why);
}
