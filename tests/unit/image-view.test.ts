// An image as Glance's v2 API writes it: every recorded image body of the
// transcripts, rebuilt from a database row holding the same values, must
// come out byte for byte (key order, nulls, sizes, second-resolution UTC
// times, tags, custom properties first, links).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pyJson } from '../../lib/http/py-json';
import { imageView, isoSeconds, type ImageRow } from '../../lib/images/view';
import { readTranscript } from '../helpers/reference';

const CORE = new Set(['name', 'disk_format', 'container_format', 'visibility', 'size', 'virtual_size', 'status', 'checksum', 'protected', 'min_ram', 'min_disk', 'owner', 'os_hidden', 'os_hash_algo', 'os_hash_value', 'id', 'created_at', 'updated_at', 'tags', 'self', 'file', 'schema']);
type Recorded = Record<string, unknown>;

/** The row the database would hold for a recorded image (soft-deleted extras included, which must not show). */
function rowOf(img: Recorded): ImageRow {
  const big = (v: unknown) => (v === null ? null : BigInt(v as number));
  const when = (v: unknown) => (v === null ? null : new Date(v as string));
  const now = new Date();
  const custom = Object.entries(img).filter(([k]) => !CORE.has(k));
  return {
    id: img.id as string,
    name: img.name as string | null,
    size: big(img.size),
    status: img.status as string,
    createdAt: when(img.created_at)!,
    updatedAt: when(img.updated_at),
    deletedAt: null,
    deleted: false,
    diskFormat: img.disk_format as string | null,
    containerFormat: img.container_format as string | null,
    checksum: img.checksum as string | null,
    owner: img.owner as string | null,
    minDisk: img.min_disk as number,
    minRam: img.min_ram as number,
    protected: img.protected as boolean,
    virtualSize: big(img.virtual_size),
    visibility: img.visibility as ImageRow['visibility'],
    osHidden: img.os_hidden as boolean,
    osHashAlgo: img.os_hash_algo as string | null,
    osHashValue: img.os_hash_value as string | null,
    properties: [
      ...custom.map(([name, value], i) => ({ id: i + 1, imageId: img.id as string, name, value: value as string, createdAt: now, updatedAt: now, deletedAt: null, deleted: false })),
      { id: 999, imageId: img.id as string, name: 'removed', value: 'x', createdAt: now, updatedAt: now, deletedAt: now, deleted: true },
    ],
    tags: [
      ...(img.tags as string[]).map((value, i) => ({ id: i + 1, imageId: img.id as string, value, createdAt: now, updatedAt: now, deletedAt: null, deleted: false })),
      { id: 999, imageId: img.id as string, value: 'untagged', createdAt: now, updatedAt: now, deletedAt: now, deleted: true },
    ],
  } as ImageRow;
}

function recordedImages(): [string, string][] {
  const out: [string, string][] = [];
  for (const file of ['03-create.txt', '04-upload.txt', '07-patch.txt', '08-tags.txt']) {
    for (const [title, ex] of readTranscript(file)) {
      if (!/^20[01] /.test(ex.statusLine.slice(9)) || !ex.body.startsWith('{') || !ex.body.includes('"schema": "/v2/schemas/image"')) continue;
      out.push([`${file}: ${title}`, ex.body]);
    }
  }
  return out;
}

const images = recordedImages();

test('the transcripts hold image bodies to compare with', () => {
  assert.ok(images.length >= 8, `only ${images.length}`);
});

for (const [title, body] of images) {
  test(`${title}: the same bytes from the row`, () => {
    assert.equal(pyJson(imageView(rowOf(JSON.parse(body)))), body);
  });
}

test('times are UTC to the second, without the milliseconds', () => {
  assert.equal(isoSeconds(new Date('2026-11-28T12:38:46.999Z')), '2026-11-28T12:38:46Z');
  assert.equal(isoSeconds(null), null);
});
