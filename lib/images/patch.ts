// PATCH /v2/images/{id}: Glance's JSON-patch dialect
// (application/openstack-images-v2.1-json-patch, and v2.0's older op syntax).
// Parsing and per-op validation come first (as Glance's deserializer: 415,
// 400, 403 before the image is even looked up), then the ops are applied in
// order with Glance's checks, then everything is written in one transaction.
import type { RequestContext } from '@/lib/auth/context';
import { db } from '@/lib/db/client';
import { BadRequest, Conflict, Forbidden, GlanceError, UnsupportedMediaType } from '@/lib/errors';
import { enforceOnImage, enforceVisibility, imageTarget } from '@/lib/policy';
import { assertValidImage } from './schema';
import { assertNonNegative, isReservedProperty, loadVisible } from './service';
import { recordEvent } from './events';
import { nowSeconds, reload } from './repository';
import { imageView, type ImageView } from './view';

/** The two patch media types and the JSON-schema draft their op syntax follows. */
const MEDIA_TYPES: Record<string, 4 | 10> = {
  'application/openstack-images-v2.0-json-patch': 4,
  'application/openstack-images-v2.1-json-patch': 10,
};
const OPS = ['add', 'remove', 'replace'] as const;
type OpName = (typeof OPS)[number];
export interface Change {
  op: OpName;
  path: string[];
  value?: unknown;
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
const isCore = (key: string) => key in CORE_COLUMNS || key === 'tags' || key === 'locations';

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

function opOf(raw: Record<string, unknown>, draft: 4 | 10): { op: OpName; pointer: unknown } {
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

/** Parse and validate a PATCH request the way Glance's deserializer does. */
export function parseChanges(contentType: string | null, hasBody: boolean, text: string): { changes: Change[]; draft: 4 | 10 } {
  const media = (contentType ?? '').split(';')[0].trim();
  const draft = MEDIA_TYPES[media];
  if (!draft) {
    const err = new UnsupportedMediaType(contentType ?? 'text/plain');
    err.headers['Accept-Patch'] = Object.keys(MEDIA_TYPES).sort().join(', ');
    throw err;
  }
  if (!hasBody) bad('Body expected in request.');
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    bad('Malformed JSON in request body.');
  }
  if (body === null || typeof body !== 'object') bad('Unexpected body type. Expected list/dict.');
  if (!Array.isArray(body)) bad('Request body must be a JSON array of operation objects.');

  const changes = body.map((raw): Change => {
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) bad('Operations must be JSON objects.');
    const { op, pointer } = opOf(raw as Record<string, unknown>, draft);
    if (typeof pointer !== 'string') bad('Invalid JSON pointer for this resource.');
    const path = decodePointer(pointer);
    const root = path[0];
    if (path.length !== (PATH_DEPTH[root]?.[op] ?? 1)) bad(`Invalid JSON pointer for this resource: '/${path.join('/')}'`);
    const change: Change = { op, path };
    if (op !== 'remove') {
      if (!('value' in raw)) bad(`Operation "${op}" requires a member named "value".`);
      change.value = (raw as Record<string, unknown>).value;
    }
    if (READ_ONLY.includes(root)) throw new Forbidden(`Attribute '${root}' is read-only.`);
    if (isReservedProperty(root)) throw new Forbidden(`Attribute '${root}' is reserved.`);
    if (op !== 'remove') {
      // Each value is checked against the image schema on its own, as Glance does.
      if (path.length === 1) assertValidImage({ [root]: change.value });
      else if (root === 'locations') assertValidImage({ [root]: [change.value] });
    }
    return change;
  });
  return { changes, draft };
}

function withDetail<E extends GlanceError>(err: E, detail: string): E {
  return GlanceError.withDetail(err, detail);
}

export async function patchImage(ctx: RequestContext, id: string, contentType: string | null, hasBody: boolean, text: string): Promise<ImageView> {
  const { changes, draft } = parseChanges(contentType, hasBody, text);
  const image = await loadVisible(ctx, id);

  // Apply to a copy, in order, with the checks Glance's controller makes per op.
  const doc = imageView(image);
  const custom = new Map(image.properties.map((p) => [p.name, p.value]));
  const modify = () => enforceOnImage(ctx, 'modify_image', image);
  for (const { op, path, value } of changes) {
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
    if (op === 'add' && draft === 4 && (isCore(key) || custom.has(key))) throw withDetail(new Conflict(), `Property ${key} already present.`);
    if (isCore(key)) {
      if ((key === 'disk_format' || key === 'container_format') && !['queued', 'importing'].includes(image.status)) {
        throw new Forbidden(`Attribute ${key} can be only replaced for a queued image.`);
      }
      if (key === 'min_ram' || key === 'min_disk') assertNonNegative({ [key]: value });
      doc[key] = key === 'tags' ? [...new Set(value as string[])] : value;
      continue;
    }
    if (op === 'replace' && !custom.has(key)) throw withDetail(new Conflict(), `Property ${key} does not exist.`);
    custom.set(key, value as string);
    doc[key] = value;
  }
  if (changes.length === 0) return doc;

  const now = nowSeconds();
  const columns: Record<string, unknown> = { updatedAt: now };
  for (const [attr, column] of Object.entries(CORE_COLUMNS)) columns[column] = doc[attr];
  const tags = doc.tags as string[];
  const oldTags = image.tags.map((t) => t.value);
  const soft = { deleted: true, deletedAt: now, updatedAt: now };

  await db().$transaction(async (tx) => {
    await tx.image.update({ where: { id }, data: columns });
    for (const p of image.properties) {
      if (!custom.has(p.name)) await tx.imageProperty.update({ where: { id: p.id }, data: soft });
      else if (custom.get(p.name) !== p.value) await tx.imageProperty.update({ where: { id: p.id }, data: { value: custom.get(p.name), updatedAt: now } });
    }
    const existing = new Set(image.properties.map((p) => p.name));
    for (const [name, value] of custom) {
      if (existing.has(name)) continue;
      // A property removed earlier keeps its (soft-deleted) row; Glance brings that row back.
      await tx.imageProperty.upsert({
        where: { imageId_name: { imageId: id, name } },
        update: { value, deleted: false, deletedAt: null, updatedAt: now },
        create: { imageId: id, name, value, createdAt: now, updatedAt: now },
      });
    }
    const removedTags = oldTags.filter((t) => !tags.includes(t));
    if (removedTags.length) await tx.imageTag.updateMany({ where: { imageId: id, value: { in: removedTags }, deleted: false }, data: soft });
    const addedTags = tags.filter((t) => !oldTags.includes(t));
    if (addedTags.length) await tx.imageTag.createMany({ data: addedTags.map((value) => ({ imageId: id, value, createdAt: now, updatedAt: now })) });
    await recordEvent(tx, ctx, { imageId: id, action: 'updated', reason: changes.map((c) => `${c.op} /${c.path.join('/')}`).join(', ') });
  });
  return imageView(await reload(id));
}
