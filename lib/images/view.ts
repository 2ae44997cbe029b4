// An image row as Glance's v2 API shows it, keys in Glance's order:
// custom properties first, then the core attributes, then the links.
import type { Image, ImageProperty, ImageTag } from '@/lib/generated/prisma/client';

export type ImageRow = Image & { properties: ImageProperty[]; tags: ImageTag[] };

export type ImageView = Record<string, unknown>;

/** Glance prints datetimes as ISO 8601 in UTC, to the second. */
export function isoSeconds(d: Date | null): string | null {
  return d ? d.toISOString().replace(/\.\d{3}Z$/, 'Z') : null;
}

function num(v: bigint | null): number | null {
  return v === null ? null : Number(v);
}

/** Kept on the image for the nodes, never shown (Glance's ResponseSerializer._hidden_properties). */
export const HIDDEN_PROPERTIES: ReadonlySet<string> = new Set(['os_glance_stage_host', 'os_glance_hash_op_host']);

export function imageView(row: ImageRow): ImageView {
  const view: ImageView = {};
  // defineProperty: a property called `__proto__` is an own key like any other.
  for (const p of row.properties) if (!p.deleted && !HIDDEN_PROPERTIES.has(p.name)) Object.defineProperty(view, p.name, { value: p.value, writable: true, enumerable: true, configurable: true });
  Object.assign(view, {
    name: row.name,
    disk_format: row.diskFormat,
    container_format: row.containerFormat,
    visibility: row.visibility,
    size: num(row.size),
    virtual_size: num(row.virtualSize),
    status: row.status,
    checksum: row.checksum,
    protected: row.protected,
    min_ram: row.minRam,
    min_disk: row.minDisk,
    owner: row.owner,
    os_hidden: row.osHidden,
    os_hash_algo: row.osHashAlgo,
    os_hash_value: row.osHashValue,
    id: row.id,
    created_at: isoSeconds(row.createdAt),
    updated_at: isoSeconds(row.updatedAt),
    tags: row.tags.filter((t) => !t.deleted).map((t) => t.value),
    self: `/v2/images/${row.id}`,
    file: `/v2/images/${row.id}/file`,
    schema: '/v2/schemas/image',
  });
  return view;
}
