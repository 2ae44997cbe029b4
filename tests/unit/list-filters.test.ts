// The list filters' rules: ISO 8601 times as Glance's filters read them
// (oslo timeutils.parse_isotime, i.e. the iso8601 package), `op:value`
// splitting and quoted `in:` lists (glance.common.utils), and the conditions
// each filter becomes. Expected values are what those Python functions
// return for the same input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RequestContext } from '../../lib/auth/context';
import { GlanceError } from '../../lib/errors';
import { parseIsoTime } from '../../lib/images/listing/iso8601';
import { filterConditions, splitInValues, visibilityConditions } from '../../lib/images/listing/filters';
import { parseListRequest } from '../../lib/images/listing/params';

const ISO: [string, string | null][] = [
  ['2000-01-01T00:00:00Z', '2000-01-01T00:00:00.000Z'],
  ['2000-01-01', '2000-01-01T00:00:00.000Z'],
  ['2000-01', '2000-01-01T00:00:00.000Z'],
  ['2000', '2000-01-01T00:00:00.000Z'],
  ['20000101', '2000-01-01T00:00:00.000Z'],
  ['20000101T120000Z', '2000-01-01T12:00:00.000Z'],
  ['2000-01-01T12:00', '2000-01-01T12:00:00.000Z'],
  ['2000-01-01T12', '2000-01-01T12:00:00.000Z'],
  ['2000-01-01 12:00:00', '2000-01-01T12:00:00.000Z'],
  ['2000-1-5', '2000-01-05T00:00:00.000Z'],
  ['2000-01-01T12:00:00.5Z', '2000-01-01T12:00:00.500Z'],
  ['2000-01-01T12:00:00,123456Z', '2000-01-01T12:00:00.123Z'],
  // Offsets are applied; no offset means UTC.
  ['2000-01-01T12:00:00+02:00', '2000-01-01T10:00:00.000Z'],
  ['2000-01-01T12:00:00-0530', '2000-01-01T17:30:00.000Z'],
  ['2000-01-01T12:00:00+02', '2000-01-01T10:00:00.000Z'],
  ['1999-12-31T23:59:59-01:00', '2000-01-01T00:59:59.000Z'],
  ['2024-02-29', '2024-02-29T00:00:00.000Z'],
  // Out-of-range fields are refused, never rolled over into the next unit.
  ['2023-02-29', null],
  ['2000-02-30', null],
  ['2000-13-01', null],
  ['2000-01-01T24:00:00', null],
  ['2000-01-01T12:60:00', null],
  ['2000-01-01T12:00:60', null],
  ['2000-01-01T12:00:00+24:00', null],
  ['0000-01-01', null],
  ['2000-01-01Z', null],
  ['200001', null],
  ['garbage', null],
  ['', null],
];

for (const [text, want] of ISO) {
  test(`ISO 8601 ${JSON.stringify(text)} is ${want ?? 'not a time'}, as parse_isotime`, () => {
    assert.equal(parseIsoTime(text)?.toISOString() ?? null, want);
  });
}

test('years below 100 are not moved into the 1900s', () => {
  const d = parseIsoTime('0050-01-01');
  assert.ok(d);
  assert.equal(d.getUTCFullYear(), 50);
  assert.equal(d.toISOString(), '0050-01-01T00:00:00.000Z');
});

const QUOTES: [string, string[] | string][] = [
  ['a,b', ['a', 'b']],
  ['a,"b,c",d', ['a', 'b,c', 'd']],
  ['"a"', ['a']],
  ['a,,b', ['a', '', 'b']],
  ['a,', ['a']],
  [',a', ['', 'a']],
  ['', []],
  ['a,"b', 'Invalid filter value a,"b. The quote is not closed.'],
  ['a"b"', 'Invalid filter value a"b". There is no comma before opening quotation mark.'],
  ['"a"b', 'Invalid filter value "a"b. There is no comma after closing quotation mark.'],
];

for (const [value, want] of QUOTES) {
  test(`in: list ${JSON.stringify(value)}, as split_filter_value_for_quotes`, () => {
    if (Array.isArray(want)) assert.deepEqual(splitInValues(value), want);
    else assert.throws(() => splitInValues(value), (err: GlanceError) => err.status === 400 && err.message === want);
  });
}

function conditions(qs: string) {
  return filterConditions(parseListRequest(new URLSearchParams(qs)));
}

function refusal(qs: string): string {
  try {
    conditions(qs);
  } catch (err) {
    assert.ok(err instanceof GlanceError);
    assert.equal(err.status, 400);
    return err.message;
  }
  assert.fail(`${qs} was accepted`);
}

test('every list leaves out deleted and killed images, and hidden ones unless asked', () => {
  const base = conditions('');
  assert.deepEqual(base, [{ deleted: false }, { status: { not: 'killed' } }, { osHidden: false }]);
  assert.deepEqual(conditions('os_hidden=true')[2], { osHidden: true });
  assert.deepEqual(conditions('protected=true')[3], { protected: true });
});

test('name, id, status and formats take eq: (the default) and in:, with quoted values', () => {
  assert.deepEqual(conditions('name=page-3').slice(3), [{ name: 'page-3' }]);
  assert.deepEqual(conditions('name=in:page-1,page-2').slice(3), [{ name: { in: ['page-1', 'page-2'] } }]);
  assert.deepEqual(conditions('status=eq:active').slice(3), [{ status: 'active' }]);
  assert.deepEqual(conditions('disk_format=in:raw,"q,cow"').slice(3), [{ diskFormat: { in: ['raw', 'q,cow'] } }]);
  // Only the first colon separates the operator.
  assert.deepEqual(conditions('name=eq:x:y').slice(3), [{ name: 'x:y' }]);
  assert.equal(refusal('name=like:x'), "Unable to filter by unknown operator 'like'.");
});

test('tags are ANDed, one condition per tag', () => {
  assert.deepEqual(conditions('tag=paging&tag=p2').slice(3), [
    { tags: { some: { value: 'paging', deleted: false } } },
    { tags: { some: { value: 'p2', deleted: false } } },
  ]);
});

test('created_at / updated_at: operators over ISO 8601 times; a bare time (with colons) is eq', () => {
  const when = new Date('2000-01-01T00:00:00Z');
  assert.deepEqual(conditions('created_at=gte:2000-01-01T00:00:00Z').slice(3), [{ createdAt: { gte: when } }]);
  assert.deepEqual(conditions('created_at=2000-01-01T00:00:00Z').slice(3), [{ createdAt: when }]);
  assert.deepEqual(conditions('updated_at=lt:2000-01-01T02:00:00%2B02:00').slice(3), [{ updatedAt: { lt: when } }]);
  assert.equal(refusal('created_at=gte:yesterday'), 'Bad "created_at" query filter format. Use ISO 8601 DateTime notation.');
  assert.equal(refusal('created_at=around:2000-01-01'), 'Unable to filter on a unknown operator.');
});

test('<column>_min / _max: inclusive bounds on the numeric columns', () => {
  assert.deepEqual(conditions('size_min=1000&size_max=2000000').slice(3), [{ size: { gte: 1000 } }, { size: { lte: 2000000 } }]);
  assert.deepEqual(conditions('min_ram_max=512').slice(3), [{ minRam: { lte: 512 } }]);
  assert.equal(refusal('size_min=big'), 'Unable to filter on a range with a non-numeric value.');
  // Glance answers a 500 for a column it does not have; a 400 names it.
  assert.equal(refusal('colour_min=3'), "Unable to filter on a range of 'colour'.");
});

test('image columns compare for equality; anything else is a custom property', () => {
  assert.deepEqual(conditions('owner=p1&checksum=abc').slice(3), [{ owner: 'p1' }, { checksum: 'abc' }]);
  assert.deepEqual(conditions('min_disk=5').slice(3), [{ minDisk: 5 }]);
  assert.deepEqual(conditions('os_distro=cirros').slice(3), [{ properties: { some: { name: 'os_distro', value: 'cirros', deleted: false } } }]);
  // A non-numeric value for a numeric column matches nothing (SQL compares and finds no row).
  assert.deepEqual(conditions('size=abc').slice(3), [{ id: { in: [] } }]);
});

function ctx(projectId: string | null, isAdmin = false): RequestContext {
  return { projectId, isAdmin } as RequestContext;
}

test('visibility: what a project may list by default, and what visibility= narrows to', () => {
  const defaults = { visibility: null, memberStatus: 'accepted' };
  // Admins see everything but other projects' community images unless asked.
  assert.deepEqual(visibilityConditions(ctx('p1', true), defaults), [{ OR: [{ owner: 'p1' }, { visibility: { not: 'community' } }] }]);
  assert.deepEqual(visibilityConditions(ctx('p1', true), { visibility: 'all', memberStatus: 'accepted' }), []);
  const user = visibilityConditions(ctx('p1'), defaults);
  assert.deepEqual(user[0], {
    OR: [
      { visibility: { in: ['public', 'community'] } },
      { owner: 'p1' },
      { visibility: 'shared', members: { some: { member: 'p1', deleted: false, status: 'accepted' } } },
    ],
  });
  assert.deepEqual(visibilityConditions(ctx('p1'), { visibility: 'shared', memberStatus: 'all' })[0], {
    OR: [
      { visibility: { in: ['public', 'community'] } },
      { owner: 'p1' },
      { visibility: 'shared', members: { some: { member: 'p1', deleted: false } } },
    ],
  });
  // No project: public and community only, and not community unless asked.
  assert.deepEqual(visibilityConditions(ctx(null), defaults), [{ OR: [{ visibility: { in: ['public', 'community'] } }] }, { visibility: { not: 'community' } }]);
  // visibility= (empty) matches nothing, as in Glance.
  assert.deepEqual(visibilityConditions(ctx(null, true), { visibility: '', memberStatus: 'accepted' }), [{ id: { in: [] } }]);
  assert.deepEqual(visibilityConditions(ctx(null, true), { visibility: 'private', memberStatus: 'accepted' }), [{ visibility: 'private' }]);
});
