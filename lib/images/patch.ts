// PATCH /v2/images/{id}: Glance's JSON-patch dialect
// (application/openstack-images-v2.1-json-patch, and v2.0's older op syntax).
// parseChanges reads a request into Change[] (as Glance's deserializer: 415,
// 400, 403 before the image is even looked up); patchImage takes Change[],
// from a request or built by the console, checks each the same way, applies
// them in order with Glance's checks and writes everything in one transaction.
import type { RequestContext } from '@/lib/auth/context';
import { db } from '@/lib/db/client';
import { BadRequest, Conflict, Forbidden, GlanceError, UnsupportedMediaType } from '@/lib/errors';
import { enforceOnImage, enforceVisibility, imageTarget } from '@/lib/policy';
import { assertValidImage } from './schema';
import { assertNonNegative, isReservedProperty, loadVisible } from './image-service';
import { recordEvent } from './events';
import { nowSeconds, reload } from './repository';
import { imageView, type ImageView } from './view';
import { withStoresOne } from './locations';
import { MalformedJson, parseJsonBody } from '@/lib/http/body';
import { assertDbIntegers, assertPropertyName, assertPropertyValue, propertyNameClash } from './limits';
import { assertPropertyQuota, assertTagQuota } from './quotas';

export type PatchDraft = 4 | 10;
/** The two patch media types and the JSON-schema draft their op syntax follows. */
const MEDIA_TYPES: Record<string, PatchDraft> = {
  'application/openstack-images-v2.0-json-patch': 4,
  'application/openstack-images-v2.1-json-patch': 10,
};
const OPS = ['add', 'remove', 'replace'] as const;
type OpName = (typeof OPS)[number];
export interface Change {
  op: OpName;
  path: string[];
  value?: unknown;
  /** v2.0's `add` (JSON-schema draft 4): 409 when the attribute is already there. */
  mustBeNew?: true;
}

/** Attributes PATCH may never touch (Glance's deserializer list, checked before the image is loaded). */
const READ_ONLY = ['created_at', 'updated_at', 'status', 'checksum', 'size', 'virtual_size', 'direct_url', 'self', 'file', 'schema', 'id', 'os_hash_algo', 'os_hash_value'];

/** Writable image attributes and their columns; everything else is a custom property. */
const CORE_COLUMNS: Record<string, string> = {
  name: 'name',
  disk_format: 'diskFormat',
  container_format: 'containerFormat',
  visibility: 'visibility',
  protected: 'protected',
  min_ram: 'minRam',
  min_disk: 'minDisk',
  owner: 'owner',
  os_hidden: 'osHidden',
};
// Own keys only: a property may be called `constructor` or `__proto__`.
const isCore = (key: string) => Object.hasOwn(CORE_COLUMNS, key) || key === 'tags' || key === 'locations';

/** Path depth per op: only locations has sub-paths (/locations/N). */
const PATH_DEPTH: Record<string, Partial<Record<OpName, number>>> = { locations: { add: 2, remove: 2, replace: 1 } };

function bad(msg: string): never {
  throw new BadRequest(msg);
}

/** Glance's limited JSON pointer: validated, then split and unescaped. */
function decodePointer(pointer: string): string[] {
  if (!pointer.startsWith('/')) bad(`Pointer \`${pointer}\` does not start with "/".`);
  if (/\/\s*?\//.test(pointer.slice(1))) bad(`Pointer \`${pointer}\` contains adjacent "/".`);
  if (pointer.length > 1 && pointer.endsWith('/')) bad(`Pointer \`${pointer}\` end with "/".`);
  if (pointer.slice(1).trim() === '/') bad(`Pointer \`${pointer}\` does not contains valid token.`);
  if (/~[^01]/.test(pointer) || pointer.endsWith('~')) bad(`Pointer \`${pointer}\` contains "~" not part of a recognized escape sequence.`);
  return pointer.replace(/^\/+/, '').split('/').map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~').trim());
}

function opOf(raw: Record<string, unknown>, draft: PatchDraft): { op: OpName; pointer: unknown } {
  if (draft === 10) {
    if (!('op' in raw) || raw.op === null) bad('Unable to find `op` in JSON Schema change. It must be one of the following: add, remove, replace.');
    if (!(OPS as readonly unknown[]).includes(raw.op)) bad(`Invalid operation: \`${String(raw.op)}\`. It must be one of the following: add, remove, replace.`);
    if (!('path' in raw)) bad("Unable to find 'path' in JSON Schema change");
    return { op: raw.op as OpName, pointer: raw.path };
  }
  const found = OPS.filter((name) => name in raw);
  if (found.length > 1) bad('Operation objects must contain only one member named "add", "remove", or "replace".');
  if (found.length === 0) bad('Operation objects must contain exactly one member named "add", "remove", or "replace".');
  return { op: found[0], pointer: raw[found[0]] };
}

/** The op syntax a patch media type selects; 415 (with Accept-Patch) for any other type. */
export function patchDraft(contentType: string | null): PatchDraft {
  const media = (contentType ?? '').split(';')[0].trim();
  if (Object.hasOwn(MEDIA_TYPES, media)) return MEDIA_TYPES[media];
  const err = new UnsupportedMediaType(contentType ?? 'text/plain');
  err.headers['Accept-Patch'] = Object.keys(MEDIA_TYPES).sort().join(', ');
  throw err;
}

/** Parse and validate a PATCH request the way Glance's deserializer does. */
export function parseChanges(contentType: string | null, hasBody: boolean, text: Uint8Array | string): { changes: Change[]; draft: PatchDraft } {
  const draft = patchDraft(contentType);
  return { changes: parseOperations(hasBody, text, draft), draft };
}

/** A body of operations in the given draft's syntax, each checked as Glance's deserializer does, in its order. */
export function parseOperations(hasBody: boolean, text: Uint8Array | string, draft: PatchDraft): Change[] {
  if (!hasBody) bad('Body expected in request.');
  let body: unknown;
  try {
    body = parseJsonBody(text);
  } catch (err) {
    if (err instanceof MalformedJson) bad(err.describe('Malformed JSON in request body'));
    throw err;
  }
  if (body === null || typeof body !== 'object') bad('Unexpected body type. Expected list/dict.');
  if (!Array.isArray(body)) bad('Request body must be a JSON array of operation objects.');

  return body.map((raw): Change => {
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) bad('Operations must be JSON objects.');
    const { op, pointer } = opOf(raw as Record<string, unknown>, draft);
    if (typeof pointer !== 'string') bad('Invalid JSON pointer for this resource.');
    const change: Change = { op, path: decodePointer(pointer) };
    assertPathDepth(change);
    if (op !== 'remove') {
      if (!('value' in raw)) bad(`Operation "${op}" requires a member named "value".`);
      change.value = (raw as Record<string, unknown>).value;
    }
    assertChangeAllowed(change);
    return change;
  });
}

function assertPathDepth({ op, path }: Change): void {
  const root = path[0];
  const depth = Object.hasOwn(PATH_DEPTH, root) ? PATH_DEPTH[root][op] : undefined;
  if (path.length !== (depth ?? 1)) bad(`Invalid JSON pointer for this resource: '/${path.join('/')}'`);
}

/** What every change must pass before the image is loaded: path, read-only and reserved names, the value's schema. */
export function assertChangeAllowed(change: Change): void {
  assertPathDepth(change);
  const { op, path } = change;
  const root = path[0];
  if (READ_ONLY.includes(root)) throw new Forbidden(`Attribute '${root}' is read-only.`);
  if (isReservedProperty(root)) throw new Forbidden(`Attribute '${root}' is reserved.`);
  if (op === 'remove') return;
  // Each value is checked against the image schema on its own, as Glance does.
  if (path.length === 1) assertValidImage(single(root, change.value));
  else if (root === 'locations') assertValidImage(single(root, [change.value]));
  if (!isCore(root)) {
    assertPropertyName(root);
    assertPropertyValue(change.value);
  }
}

/** {key: value} with `key` as an own property whatever it is called (`__proto__` included). */
function single(key: string, value: unknown): Record<string, unknown> {
  const doc: Record<string, unknown> = {};
  setOwn(doc, key, value);
  return doc;
}

function setOwn(doc: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(doc, key, { value, writable: true, enumerable: true, configurable: true });
}

/** The timeline's summary of a patch: each distinct op and path once, cut to fit any text column. */
function describeChanges(changes: Change[]): string {
  const text = [...new Set(changes.map((c) => `${c.op} /${c.path.join('/')}`))].join(', ');
  return text.length > 1000 ? `${text.slice(0, 1000)}...` : text;
}

function withDetail<E extends GlanceError>(err: E, detail: string): E {
  return GlanceError.withDetail(err, detail);
}

export async function patchImage(ctx: RequestContext, id: string, changes: Change[]): Promise<ImageView> {
  for (const change of changes) assertChangeAllowed(change);
  const image = await loadVisible(ctx, id);

  // Apply to a copy, in order, with the checks Glance's controller makes per op.
  const doc = imageView(image);
  const custom = new Map(image.properties.map((p) => [p.name, p.value]));
  const modify = () => enforceOnImage(ctx, 'modify_image', image);
  for (const { op, path, value, mustBeNew } of changes) {
    const key = path[0];
    if (key === 'locations') {
      if (op === 'replace' && Array.isArray(value) && value.length === 0) throw withDetail(new Forbidden(), 'Cannot set locations to empty list.');
      enforceOnImage(ctx, op === 'remove' ? 'delete_image_location' : 'set_image_location', image);
      const verb = op === 'replace' ? 'update' : op;
      // show_multiple_locations is off, as in Glance's default configuration.
      throw new Forbidden(`It's not allowed to ${verb} locations if locations are invisible.`);
    }
    if (key === 'owner' && op !== 'remove' && !ctx.isAdmin) throw withDetail(new Forbidden(), "Owner can't be updated by non admin.");
    if (key === 'visibility' && op !== 'remove') enforceVisibility(ctx, value, imageTarget(ctx, image));
    modify();
    if (op === 'remove') {
      if (isCore(key)) throw withDetail(new Forbidden(), `Property ${key} may not be removed.`);
      if (!custom.has(key)) throw withDetail(new Conflict(), `Property ${key} does not exist.`);
      custom.delete(key);
      delete doc[key];
      continue;
    }
    if (op === 'add' && mustBeNew && (isCore(key) || custom.has(key))) throw withDetail(new Conflict(), `Property ${key} already present.`);
    if (isCore(key)) {
      if ((key === 'disk_format' || key === 'container_format') && !['queued', 'importing'].includes(image.status)) {
        throw new Forbidden(`Attribute ${key} can be only replaced for a queued image.`);
      }
      if (key === 'min_ram' || key === 'min_disk') assertNonNegative({ [key]: value });
      if (key === 'tags') assertTagQuota(value as string[]);
      doc[key] = key === 'tags' ? [...new Set(value as string[])] : value;
      continue;
    }
    if (op === 'replace' && !custom.has(key)) throw withDetail(new Conflict(), `Property ${key} does not exist.`);
    custom.set(key, value as string);
    setOwn(doc, key, value);
  }
  if (changes.length === 0) return withStoresOne(ctx, doc);
  // Checked when the image is saved, as Glance's quota proxy and DB layer do.
  const before = new Set(image.properties.map((p) => p.name));
  if ([...custom.keys()].some((name) => !before.has(name))) assertPropertyQuota(custom.keys());
  assertDbIntegers(doc);

  const now = nowSeconds();
  const columns: Record<string, unknown> = { updatedAt: now };
  for (const [attr, column] of Object.entries(CORE_COLUMNS)) columns[column] = doc[attr];
  const tags = doc.tags as string[];
  const oldTags = image.tags.map((t) => t.value);
  const soft = { deleted: true, deletedAt: now, updatedAt: now };

  try {
    await db().$transaction(async (tx) => {
      await tx.image.update({ where: { id }, data: columns });
      for (const p of image.properties) {
        if (!custom.has(p.name)) await tx.imageProperty.update({ where: { id: p.id }, data: soft });
        else if (custom.get(p.name) !== p.value) await tx.imageProperty.update({ where: { id: p.id }, data: { value: custom.get(p.name), updatedAt: now } });
      }
      for (const [name, value] of custom) {
        if (before.has(name)) continue;
        // The database finds the row by its collation: `foo` finds `Foo`'s row.
        const row = await tx.imageProperty.findUnique({ where: { imageId_name: { imageId: id, name } } });
        if (row && !row.deleted) throw propertyNameClash(row.name, name);
        // A property removed earlier keeps its (soft-deleted) row; Glance brings that row back.
        if (row) await tx.imageProperty.update({ where: { id: row.id }, data: { name, value, deleted: false, deletedAt: null, updatedAt: now } });
        else await tx.imageProperty.create({ data: { imageId: id, name, value, createdAt: now, updatedAt: now } });
      }
      const kept = new Set(tags);
      const removedTags = oldTags.filter((t) => !kept.has(t));
      if (removedTags.length) await tx.imageTag.updateMany({ where: { imageId: id, value: { in: removedTags }, deleted: false }, data: soft });
      const had = new Set(oldTags);
      const addedTags = tags.filter((t) => !had.has(t));
      if (addedTags.length) await tx.imageTag.createMany({ data: addedTags.map((value) => ({ imageId: id, value, createdAt: now, updatedAt: now })) });
      await recordEvent(tx, ctx, { imageId: id, action: 'updated', reason: describeChanges(changes) });
    });
  } catch (err) {
    // A concurrent request added a name this one's collides with.
    if ((err as { code?: string }).code === 'P2002') throw propertyNameClash(null, null);
    throw err;
  }
  return withStoresOne(ctx, imageView(await reload(id)));
}
