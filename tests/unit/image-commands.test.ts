// The commands the images domain takes, as the deserializer builds them from
// a request's parts (lib/images/requests.ts) and as the console builds them in
// code: both pass the same checks before any image is looked up.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RequestContext } from '../../lib/auth/context';
import { GlanceError } from '../../lib/errors';
import { imageListBody } from '../../lib/images/listing/links';
import { assertChangeAllowed, patchImage, type Change } from '../../lib/images/patch';
import { readConsolePatch, readCreate, readListQuery, readPatch } from '../../lib/images/requests';

const V21 = 'application/openstack-images-v2.1-json-patch';
const V20 = 'application/openstack-images-v2.0-json-patch';
const ADMIN: RequestContext = { requestId: 'req-unit', userId: 'u', projectId: 'p', roles: ['admin'], isAdmin: true };

function refusal(fn: () => unknown): { status: number; message: string } {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof GlanceError, String(err));
    return { status: err.status, message: err.message };
  }
  assert.fail('accepted');
}

test('v2.1 patch: the changes as parsed, with no v2.0 add semantics', () => {
  assert.deepEqual(readPatch(V21, true, '[{"op":"add","path":"/foo","value":"x"},{"op":"remove","path":"/bar"}]'), [
    { op: 'add', path: ['foo'], value: 'x' },
    { op: 'remove', path: ['bar'] },
  ]);
});

test("v2.0 patch: each `add` may not overwrite (JSON-schema draft 4), other ops unchanged", () => {
  assert.deepEqual(readPatch(V20, true, '[{"add":"/foo","value":"x"},{"replace":"/name","value":"n"},{"remove":"/bar"}]'), [
    { op: 'add', path: ['foo'], value: 'x', mustBeNew: true },
    { op: 'replace', path: ['name'], value: 'n' },
    { op: 'remove', path: ['bar'] },
  ]);
});

test('patch: a non-patch media type is still 415 with Accept-Patch', () => {
  try {
    readPatch('application/json', true, '[]');
    assert.fail('accepted');
  } catch (err) {
    assert.ok(err instanceof GlanceError);
    assert.equal(err.status, 415);
    assert.equal(err.headers['Accept-Patch'], `${V20}, ${V21}`);
  }
});

test("console patch: v2.1 operations whatever the Content-Type, with the API's own refusals", () => {
  assert.deepEqual(readConsolePatch(true, '[{"op":"replace","path":"/name","value":"renamed"}]'), [{ op: 'replace', path: ['name'], value: 'renamed' }]);
  assert.deepEqual(refusal(() => readConsolePatch(true, '[{"replace":"/name","value":"x"}]')), {
    status: 400,
    message: 'Unable to find `op` in JSON Schema change. It must be one of the following: add, remove, replace.',
  });
  assert.deepEqual(refusal(() => readConsolePatch(false, '')), { status: 400, message: 'Body expected in request.' });
  assert.deepEqual(refusal(() => readConsolePatch(true, '[{"op":"replace","path":"/status","value":"active"}]')), {
    status: 403,
    message: "Attribute 'status' is read-only.",
  });
});

test('a change built in code passes the checks a parsed one does', () => {
  assert.doesNotThrow(() => assertChangeAllowed({ op: 'replace', path: ['protected'], value: true }));
  assert.equal(refusal(() => assertChangeAllowed({ op: 'replace', path: ['status'], value: 'active' })).status, 403);
  assert.equal(refusal(() => assertChangeAllowed({ op: 'add', path: ['os_glance_x'], value: 'v' })).message, "Attribute 'os_glance_x' is reserved.");
  assert.equal(refusal(() => assertChangeAllowed({ op: 'replace', path: ['protected'], value: 'yes' })).status, 400);
  assert.equal(refusal(() => assertChangeAllowed({ op: 'replace', path: ['name', 'deeper'], value: 'x' })).message, "Invalid JSON pointer for this resource: '/name/deeper'");
});

test('patchImage refuses a bad built change before it looks for the image', async () => {
  // No database in this tier: reaching the lookup would fail with something other than Glance's 403.
  const changes: Change[] = [{ op: 'replace', path: ['checksum'], value: 'x' }];
  await assert.rejects(patchImage(ADMIN, 'no-such-image', changes), (err: unknown) => {
    assert.ok(err instanceof GlanceError);
    assert.equal(err.status, 403);
    assert.equal(err.message, "Attribute 'checksum' is read-only.");
    return true;
  });
});

test('list query: the parsed request the domain lists by', () => {
  const query = readListQuery(new URLSearchParams('limit=2&sort=name:asc&tag=a&tag=b&protected=true&owner=x'));
  assert.equal(query.limit, 2);
  assert.deepEqual(query.tags, ['a', 'b']);
  assert.equal(query.protected, true);
  assert.deepEqual([...query.filters], [['owner', 'x']]);
  assert.deepEqual(query.sort.map((s) => `${s.key}:${s.dir}`), ['name:asc', 'created_at:asc', 'id:asc']);
  assert.equal(refusal(() => readListQuery(new URLSearchParams('limit=-1'))).message, 'limit param must be positive');
});

test('list body: links from the request query; next only after a full page', () => {
  const query = new URLSearchParams('limit=1&marker=old&name=a b');
  assert.deepEqual(imageListBody({ images: [], nextMarker: null }, query), { images: [], first: '/v2/images?limit=1&name=a+b', schema: '/v2/schemas/images' });
  assert.deepEqual(imageListBody({ images: [], nextMarker: 'm1' }, query).next, '/v2/images?limit=1&name=a+b&marker=m1');
});

test('create: attributes as sent, custom properties picked out; refusals in Glance order', () => {
  const created = readCreate({ name: 'n', disk_format: 'raw', tags: ['t'], flavor: 'small' });
  assert.deepEqual(created.custom, [['flavor', 'small']]);
  assert.equal(created.doc.name, 'n');
  assert.deepEqual(refusal(() => readCreate([])), { status: 400, message: 'Request body must be a JSON object.' });
  assert.deepEqual(refusal(() => readCreate({ self: 'x' })), { status: 403, message: "Attribute 'self' is read-only." });
  assert.equal(refusal(() => readCreate({ os_glance_x: 'y' })).status, 403);
});
