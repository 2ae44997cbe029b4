// The catalog's request rules without a server: the schema documents (built
// from the five item schemas as Glance builds its collections), jsonschema's
// error texts, wsme's PropertyType shape, and the list parameters' checks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { METADEF_SCHEMAS, assertValidMetadef } from '../../lib/metadefs/schemas';
import { propertyType, assertKnownAttributes } from '../../lib/metadefs/property-type';
import { readListParams, pyUrlencode } from '../../lib/metadefs/list-params';
import { checkBody } from '../../lib/metadefs/body';
import { checkObjectBody } from '../../lib/metadefs/objects';
import { GlanceError } from '../../lib/errors';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'metadefs');
const transcript: { path: string; method: string; status: number; response: string }[] = JSON.parse(
  readFileSync(path.join(FIXTURES, 'glance-transcript.json'), 'utf8'),
);

function refused(fn: () => unknown): { status: number; message: string } {
  try {
    fn();
  } catch (err) {
    if (err instanceof GlanceError) return { status: err.status, message: err.message };
    throw err;
  }
  assert.fail('expected a refusal');
}

/** Glance's message for a recorded step, without webob's tail. */
function glanceMessage(match: (s: { path: string; method: string; response: string }) => boolean): string {
  const step = transcript.find(match)!;
  return (JSON.parse(step.response).message as string).replace(/<br \/><br \/>\n\n\n$/, '');
}

test('every /v2/schemas/metadefs document equals what Glance 25.1 serves', () => {
  for (const [name, doc] of Object.entries(METADEF_SCHEMAS)) {
    const recorded = JSON.parse(readFileSync(path.join(FIXTURES, 'schemas', `${name}.json`), 'utf8'));
    assert.deepEqual(doc, recorded, name);
  }
  assert.equal(Object.keys(METADEF_SCHEMAS).length, 10);
});

test('validation failures carry jsonschema\'s text, as Glance words them', () => {
  const long = 'x'.repeat(81);
  assert.deepEqual(refused(() => assertValidMetadef('tag', { name: long })), {
    status: 400,
    message: glanceMessage((s) => s.method === 'POST' && s.path.endsWith(`/tags/${long}`)),
  });
  assert.deepEqual(refused(() => checkBody('namespace', { namespace: 'Rec::X', visibility: 'shared' })), {
    status: 400,
    message: glanceMessage((s) => s.method === 'POST' && s.path === '/v2/metadefs/namespaces' && s.response.includes("'shared' is not one of")),
  });
  assert.deepEqual(refused(() => checkBody('tagList', { tags: [{ nam: 'd' }] })), {
    status: 400,
    message: glanceMessage((s) => s.response.includes("schema 'tags'")),
  });
  // jsonschema names all extra keys, and paths through a $ref as if it were inline.
  assert.deepEqual(refused(() => checkBody('namespace', { namespace: 'Rec::X', bogus: 1 })), {
    status: 400,
    message: glanceMessage((s) => s.method === 'POST' && s.response.includes("('bogus' was unexpected)")),
  });
  assert.deepEqual(refused(() => checkBody('namespace', { namespace: 'Rec::X', properties: { p: { type: 'string' } } })), {
    status: 400,
    message: glanceMessage((s) => s.path === '/v2/metadefs/namespaces' && s.response.includes("On instance['properties']['p']")),
  });
  assert.deepEqual(refused(() => checkObjectBody({ name: 'Obj3', properties: { a: { type: 'string' } } })), {
    status: 400,
    message: glanceMessage((s) => s.path.endsWith('/objects') && s.response.includes("On instance['properties']['a']")),
  });
  assert.match(refused(() => checkBody('tag', { name: 'x', a: 1, b: 2 })).message, /Additional properties are not allowed \('a', 'b' were unexpected\)/);
  // Read-only attributes are 403, before the schema is consulted.
  assert.deepEqual(refused(() => checkBody('object', { name: 'o', self: 'x', bogus: 1 })), { status: 403, message: "Attribute 'self' is read-only." });
  // Properties and tags refuse only the times; a `self` there fails the schema instead.
  assert.equal(refused(() => checkBody('property', { name: 'p', title: 'P', type: 'string', self: 'x' })).status, 400);
  assert.doesNotThrow(() => checkBody('property', { name: 'p', title: 'P', type: 'string', enum: ['a'] }));
});

test('a property definition keeps only PropertyType\'s attributes, in its order; defaults become text', () => {
  assert.deepEqual(
    Object.entries(propertyType({ enum: ['a'], title: 'T', type: 'string', name: 'n', default: 5, items: { enum: [1], type: 'integer', x: 1 } })),
    Object.entries({ name: 'n', type: 'string', title: 'T', default: '5', enum: ['a'], items: { type: 'integer', enum: [1] } }),
  );
  assert.deepEqual(propertyType(null), {});
  assert.equal(refused(() => assertKnownAttributes({ p: { title: 'P', type: 'string', bogus: 1 } })).message, 'Unknown attribute for argument properties: bogus');
  assert.doesNotThrow(() => assertKnownAttributes({ p: { title: 'P', type: 'object', properties: { q: { title: 'Q', type: 'string' } } } }));
});

test('list parameters: Glance\'s checks in Glance\'s order, 400 where Glance fails with a 500', () => {
  const keys = ['created_at', 'namespace', 'id'];
  const read = (q: string) => readListParams(new URLSearchParams(q), keys);
  assert.deepEqual({ ...read(''), filters: [...read('').filters] }, { limit: 25, marker: null, sortKey: 'created_at', sortDir: 'desc', filters: [] });
  assert.equal(read('limit=5000').limit, 1000);
  assert.equal(refused(() => read('limit=abc')).message, 'limit param must be an integer');
  assert.equal(refused(() => read('limit=-1&sort_dir=up')).message, 'Invalid sort direction: up');
  assert.equal(refused(() => read('limit=-1&visibility=shared')).message, 'Invalid visibility value: shared');
  assert.equal(refused(() => read('limit=-1')).message, 'limit param must be positive');
  assert.equal(refused(() => read('sort_key=bogus')).message, 'Invalid sort key: bogus');
  assert.equal(readListParams(new URLSearchParams('sort_key=bogus'), null).sortKey, 'bogus');
  assert.deepEqual([...read('visibility=public&resource_types=A,B&marker=m').filters], [['visibility', 'public'], ['resource_types', 'A,B']]);
});

test('links are urlencoded as Python\'s urlencode (quote_plus) writes them', () => {
  assert.equal(pyUrlencode(new URLSearchParams('resource_types=OS::Nova::Flavor,X&limit=3&marker=M'), ['marker']), 'resource_types=OS%3A%3ANova%3A%3AFlavor%2CX&limit=3');
  assert.equal(pyUrlencode(new URLSearchParams('foo=a b&x=1&x=2')), 'foo=a+b&x=2');
});
