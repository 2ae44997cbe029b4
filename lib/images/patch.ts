// PATCH /v2/images/{id}: Glance's JSON-patch dialect
// (application/openstack-images-v2.1-json-patch, and v2.0's older op syntax).
import type { RequestContext } from '@/lib/auth/context';
import { db } from '@/lib/db/client';
import { BadRequest, Forbidden, GlanceError, UnsupportedMediaType } from '@/lib/errors';
import { assertCanModify, assertCanSetVisibility } from '@/lib/policy';
import { assertValidImage } from './schema';
import { assertNonNegative, assertSettable, loadVisible } from './service';
import { recordEvent } from './events';
import { nowSeconds, reload } from './repository';
import { imageView, type ImageView } from './view';

const MEDIA_V21 = 'application/openstack-images-v2.1-json-patch';
const MEDIA_V20 = 'application/openstack-images-v2.0-json-patch';
const OPS = ['add', 'remove', 'replace'] as const;
type Op = { op: (typeof OPS)[number]; key: string; value?: unknown };

/** Core attributes and their column names; everything else is a custom property. */
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

class PropertyConflict extends GlanceError {
  constructor(detail: string) {
    super(409, 'There was a conflict when trying to complete your request.', `<br /><br />\n${detail}\n\n`);
  }
}

function parseOps(contentType: string | null, text: string): Op[] {
  const media = (contentType ?? '').split(';')[0].trim().toLowerCase();
  if (media !== MEDIA_V21 && media !== MEDIA_V20) throw new UnsupportedMediaType(contentType ?? 'None');
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new BadRequest('Malformed JSON in request body.');
  }
  if (!Array.isArray(body)) throw new BadRequest('Request body must be a JSON array of operation objects.');
  return body.map((raw) => {
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new BadRequest('Operations must be JSON objects.');
    const o = raw as Record<string, unknown>;
    let op: string;
    let path: unknown;
    if (media === MEDIA_V20) {
      const found = OPS.filter((name) => name in o);
      if (found.length !== 1) throw new BadRequest('Operation objects must contain exactly one member named "add", "remove", or "replace".');
      op = found[0];
      path = o[op];
    } else {
      op = String(o.op);
      if (!(OPS as readonly string[]).includes(op)) {
        throw new BadRequest(`Invalid operation: \`${op}\`. It must be one of the following: add, remove, replace.`);
      }
      path = o.path;
    }
    if (typeof path !== 'string') throw new BadRequest('Unable to find `path` in JSON Schema change');
    if (op !== 'remove' && !('value' in o)) throw new BadRequest(`Operation "${op}" requires a member named "value".`);
    const segments = path.split('/');
    if (segments.length !== 2 || segments[0] !== '' || segments[1] === '') {
      throw new BadRequest(`Invalid JSON pointer for this resource: '${path}'`);
    }
    const key = segments[1].replace(/~1/g, '/').replace(/~0/g, '~');
    return { op: op as Op['op'], key, value: o.value };
  });
}

export async function patchImage(ctx: RequestContext, id: string, contentType: string | null, text: string): Promise<ImageView> {
  const ops = parseOps(contentType, text);
  const image = await loadVisible(ctx, id);
  assertCanModify(ctx, image);

  // Apply to a document copy, validate it whole, then write what changed.
  const doc = imageView(image);
  const custom = new Map(image.properties.map((p) => [p.name, p.value]));
  for (const { op, key, value } of ops) {
    assertSettable(key);
    if (key === 'tags') {
      if (op === 'remove') throw new Forbidden('Access was denied to this resource.');
      doc.tags = value;
      continue;
    }
    if (key in CORE_COLUMNS) {
      if (op === 'remove') throw new Forbidden('Access was denied to this resource.');
      if ((key === 'disk_format' || key === 'container_format') && image.status !== 'queued' && value !== doc[key]) {
        throw new Forbidden(`Attribute ${key} can be only replaced for a queued image.`);
      }
      doc[key] = value;
      continue;
    }
    // Custom property.
    if (op === 'remove') {
      if (!custom.has(key)) throw new PropertyConflict(`Property ${key} does not exist.`);
      custom.delete(key);
      delete doc[key];
    } else {
      if (op === 'replace' && !custom.has(key)) throw new PropertyConflict(`Property ${key} does not exist.`);
      custom.set(key, value as string);
      doc[key] = value;
    }
  }
  assertValidImage(doc);
  assertNonNegative(doc);
  if (doc.visibility !== image.visibility) assertCanSetVisibility(ctx, doc.visibility as string);
  if (doc.owner !== image.owner && !ctx.isAdmin) throw new Forbidden('Owner can only be changed by an administrator.');

  const now = nowSeconds();
  const columns: Record<string, unknown> = { updatedAt: now };
  for (const [attr, column] of Object.entries(CORE_COLUMNS)) columns[column] = doc[attr];
  const tags = [...new Set(doc.tags as string[])];
  const oldTags = image.tags.map((t) => t.value);

  await db().$transaction(async (tx) => {
    await tx.image.update({ where: { id }, data: columns });
    for (const p of image.properties) {
      if (!custom.has(p.name)) await tx.imageProperty.delete({ where: { id: p.id } });
      else if (custom.get(p.name) !== p.value) await tx.imageProperty.update({ where: { id: p.id }, data: { value: custom.get(p.name), updatedAt: now } });
    }
    const existing = new Set(image.properties.map((p) => p.name));
    const added = [...custom].filter(([name]) => !existing.has(name));
    if (added.length) {
      // A soft-deleted row of the same name would collide with the unique key.
      await tx.imageProperty.deleteMany({ where: { imageId: id, name: { in: added.map(([n]) => n) }, deleted: true } });
      await tx.imageProperty.createMany({ data: added.map(([name, value]) => ({ imageId: id, name, value, createdAt: now, updatedAt: now })) });
    }
    const removedTags = oldTags.filter((t) => !tags.includes(t));
    if (removedTags.length) await tx.imageTag.deleteMany({ where: { imageId: id, value: { in: removedTags }, deleted: false } });
    const addedTags = tags.filter((t) => !oldTags.includes(t));
    if (addedTags.length) await tx.imageTag.createMany({ data: addedTags.map((value) => ({ imageId: id, value, createdAt: now, updatedAt: now })) });
    await recordEvent(tx, ctx, { imageId: id, action: 'updated', reason: ops.map((o) => `${o.op} /${o.key}`).join(', ') });
  });
  return imageView(await reload(id));
}
