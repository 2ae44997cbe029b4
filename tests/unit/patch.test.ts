// PATCH bodies as Glance's deserializer reads them (glance.api.v2.images
// RequestDeserializer.update): media type, JSON, op syntax of v2.0 and v2.1,
// JSON pointers, read-only and reserved attributes, per-value schema checks.
// These are refused before the image is looked up, so they are pure.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GlanceError } from '../../lib/errors';
import { errorResponse } from '../../lib/http/respond';
import { parseChanges, type Change } from '../../lib/images/patch';
import { recordedCalls } from '../helpers/recorded-requests';

const V21 = 'application/openstack-images-v2.1-json-patch';
const V20 = 'application/openstack-images-v2.0-json-patch';

function parse(contentType: string | null, body: string | null): { changes: Change[] } | { status: number; message: string } {
  try {
    return { changes: parseChanges(contentType, body !== null, body ?? '').changes };
  } catch (err) {
    if (!(err instanceof GlanceError)) throw err;
    return { status: err.status, message: err.message };
  }
}

// Expectations recorded by feeding each body to Glance 25.1's own
// RequestDeserializer.update (Debian's python3-glance), verbatim.
const GLANCE: [string, string | null, { changes: Change[] } | { status: number; message: string }][] = [
  [V21, '[{"op":"replace","path":"/name","value":"x"}]', { changes: [{op: "replace", path: ["name"], value: "x"}] }],
  ['application/openstack-images-v2.1-json-patch; charset=UTF-8', '[{"op":"replace","path":"/name","value":"x"}]', { changes: [{op: "replace", path: ["name"], value: "x"}] }],
  [V21, '[]', { changes: [] }],
  [V21, '[{"op":"add","path":"name","value":"x"}]', { status: 400, message: "Pointer `name` does not start with \"/\"." }],
  [V21, '[{"op":"add","path":"/a//b","value":"x"}]', { status: 400, message: "Pointer `/a//b` contains adjacent \"/\"." }],
  [V21, '[{"op":"add","path":"/a/ /b","value":"x"}]', { status: 400, message: "Pointer `/a/ /b` contains adjacent \"/\"." }],
  [V21, '[{"op":"add","path":"/foo/","value":"x"}]', { status: 400, message: "Pointer `/foo/` end with \"/\"." }],
  [V21, '[{"op":"add","path":"/","value":"x"}]', { changes: [{op: "add", path: [""], value: "x"}] }],
  [V21, '[{"op":"add","path":"/a~2b","value":"x"}]', { status: 400, message: "Pointer `/a~2b` contains \"~\" not part of a recognized escape sequence." }],
  [V21, '[{"op":"add","path":"/ab~","value":"x"}]', { status: 400, message: "Pointer `/ab~` contains \"~\" not part of a recognized escape sequence." }],
  [V21, '[{"op":"add","path":"/a~1b~0c","value":"x"}]', { changes: [{op: "add", path: ["a/b~c"], value: "x"}] }],
  [V21, '[{"op":"add","path":"/ spaced ","value":"x"}]', { changes: [{op: "add", path: ["spaced"], value: "x"}] }],
  [V21, '[{"op":"add","path":"/a/b","value":"x"}]', { status: 400, message: "Invalid JSON pointer for this resource: '/a/b'" }],
  [V21, '[{"op":"add","path":"/locations/-","value":{"url":"file:///x","metadata":{}}}]', { changes: [{op: "add", path: ["locations", "-"], value: {"url": "file:///x", "metadata": {}}}] }],
  [V21, '[{"op":"add","path":"/locations","value":{"url":"file:///x","metadata":{}}}]', { status: 400, message: "Invalid JSON pointer for this resource: '/locations'" }],
  [V21, '[{"op":"replace","path":"/locations","value":[]}]', { changes: [{op: "replace", path: ["locations"], value: []}] }],
  [V21, '[{"op":"replace","path":"/locations/0","value":[]}]', { status: 400, message: "Invalid JSON pointer for this resource: '/locations/0'" }],
  [V21, '[{"op":"remove","path":"/locations/0"}]', { changes: [{op: "remove", path: ["locations", "0"]}] }],
  [V21, '[{"op":"remove","path":"/locations"}]', { status: 400, message: "Invalid JSON pointer for this resource: '/locations'" }],
  [V21, '[{"path":"/name","value":"x"}]', { status: 400, message: "Unable to find `op` in JSON Schema change. It must be one of the following: add, remove, replace." }],
  [V21, '[{"op":null,"path":"/name","value":"x"}]', { status: 400, message: "Unable to find `op` in JSON Schema change. It must be one of the following: add, remove, replace." }],
  [V21, '[{"op":"test","path":"/name","value":"x"}]', { status: 400, message: "Invalid operation: `test`. It must be one of the following: add, remove, replace." }],
  [V21, '[{"op":"replace","value":"x"}]', { status: 400, message: "Unable to find 'path' in JSON Schema change" }],
  [V21, '[{"op":"add","path":"/name"}]', { status: 400, message: "Operation \"add\" requires a member named \"value\"." }],
  [V21, '[{"op":"remove","path":"/foo","value":"ignored"}]', { changes: [{op: "remove", path: ["foo"]}] }],
  [V21, '["replace"]', { status: 400, message: "Operations must be JSON objects." }],
  [V21, '[[1]]', { status: 400, message: "Operations must be JSON objects." }],
  [V21, '{"op":"replace"}', { status: 400, message: "Request body must be a JSON array of operation objects." }],
  [V21, '5', { status: 400, message: "Unexpected body type. Expected list/dict." }],
  [V21, '"x"', { status: 400, message: "Unexpected body type. Expected list/dict." }],
  [V21, 'null', { status: 400, message: "Unexpected body type. Expected list/dict." }],
  [V21, '[{"op":', { status: 400, message: "Malformed JSON in request body." }],
  [V21, null, { status: 400, message: "Body expected in request." }],
  [V21, '[{"op":"replace","path":"/min_ram","value":-5}]', { changes: [{op: "replace", path: ["min_ram"], value: -5}] }],
  [V21, '[{"op":"replace","path":"/min_ram","value":"5"}]', { status: 400, message: "Provided object does not match schema 'image': '5' is not of type 'integer'\n\nFailed validating 'type' in schema['properties']['min_ram']:\n    {'description': 'Amount of ram (in MB) required to boot image.',\n     'type': 'integer'}\n\nOn instance['min_ram']:\n    '5'" }],
  [V21, '[{"op":"replace","path":"/protected","value":"true"}]', { status: 400, message: "Provided object does not match schema 'image': 'true' is not of type 'boolean'\n\nFailed validating 'type' in schema['properties']['protected']:\n    {'description': 'If true, image will not be deletable.',\n     'type': 'boolean'}\n\nOn instance['protected']:\n    'true'" }],
  [V21, '[{"op":"replace","path":"/visibility","value":"everyone"}]', { status: 400, message: "Provided object does not match schema 'image': 'everyone' is not one of ['community', 'public', 'private', 'shared']\n\nFailed validating 'enum' in schema['properties']['visibility']:\n    {'description': 'Scope of image accessibility',\n     'enum': ['community', 'public', 'private', 'shared'],\n     'type': 'string'}\n\nOn instance['visibility']:\n    'everyone'" }],
  [V21, '[{"op":"replace","path":"/tags","value":["a","a","b"]}]', { changes: [{op: "replace", path: ["tags"], value: ["a", "a", "b"]}] }],
  [V21, '[{"op":"replace","path":"/tags","value":"a"}]', { status: 400, message: "Provided object does not match schema 'image': 'a' is not of type 'array'\n\nFailed validating 'type' in schema['properties']['tags']:\n    {'description': 'List of strings related to the image',\n     'items': {'maxLength': 255, 'type': 'string'},\n     'type': 'array'}\n\nOn instance['tags']:\n    'a'" }],
  [V21, '[{"op":"add","path":"/custom","value":null}]', { status: 400, message: "Provided object does not match schema 'image': None is not of type 'string'\n\nFailed validating 'type' in schema['additionalProperties']:\n    {'type': 'string'}\n\nOn instance['custom']:\n    None" }],
  [V21, '[{"op":"replace","path":"/updated_at","value":"x"}]', { status: 403, message: "Attribute 'updated_at' is read-only." }],
  [V21, '[{"op":"remove","path":"/direct_url"}]', { status: 403, message: "Attribute 'direct_url' is read-only." }],
  [V21, '[{"op":"add","path":"/deleted","value":"x"}]', { status: 403, message: "Attribute 'deleted' is reserved." }],
  [V21, '[{"op":"add","path":"/location","value":"x"}]', { status: 403, message: "Attribute 'location' is reserved." }],
  [V21, '[{"op":"add","path":"/os_glance_import_task","value":"x"}]', { status: 403, message: "Attribute 'os_glance_import_task' is reserved." }],
  [V21, '[{"op":"replace","path":"/name","value":"x"},{"op":"replace","path":"/status","value":"x"}]', { status: 403, message: "Attribute 'status' is read-only." }],
  [V21, '[{"op":"replace","path":"/status","value":"x"},{"op":"move","path":"/name"}]', { status: 403, message: "Attribute 'status' is read-only." }],
  [V20, '[{"replace":"/name","value":"x"}]', { changes: [{op: "replace", path: ["name"], value: "x"}] }],
  [V20, '[{"add":"/foo","value":"x"},{"remove":"/bar"}]', { changes: [{op: "add", path: ["foo"], value: "x"}, {op: "remove", path: ["bar"]}] }],
  [V20, '[{"replace":"/name","add":"/foo","value":"x"}]', { status: 400, message: "Operation objects must contain only one member named \"add\", \"remove\", or \"replace\"." }],
  [V20, '[{"op":"replace","path":"/name","value":"x"}]', { status: 400, message: "Operation objects must contain exactly one member named \"add\", \"remove\", or \"replace\"." }],
];

for (const [contentType, body, want] of GLANCE) {
  test(`${contentType === V21 ? 'v2.1' : contentType === V20 ? 'v2.0' : contentType} ${body}: as Glance's deserializer`, () => {
    assert.deepEqual(parse(contentType, body), want);
  });
}

test('a non-string path is a 400 (Glance itself fails with a 500 here)', () => {
  assert.deepEqual(parse(V21, '[{"op":"replace","path":5,"value":"x"}]'), { status: 400, message: 'Invalid JSON pointer for this resource.' });
  assert.deepEqual(parse(V20, '[{"replace":5,"value":"x"}]'), { status: 400, message: 'Invalid JSON pointer for this resource.' });
});

test('the draft follows the media type (v2.0 syntax is the older JSON-schema draft 4 one)', () => {
  assert.equal(parseChanges(V21, true, '[]').draft, 10);
  assert.equal(parseChanges(V20, true, '[]').draft, 4);
});

test('any other media type is 415 with Accept-Patch listing both patch types', () => {
  for (const type of ['application/json', 'application/json-patch+json', 'text/plain', null]) {
    assert.throws(() => parseChanges(type, true, '[]'), (err: GlanceError) => {
      assert.equal(err.status, 415);
      assert.equal(err.headers['Accept-Patch'], `${V20}, ${V21}`);
      return true;
    });
  }
});

// The recorded exchanges: every PATCH that Glance refused in its
// deserializer (400, 415, and 403 for read-only or reserved attributes)
// renders to the very bytes Glance sent; every other one parses, because
// Glance refused or accepted it only after loading the image.
const PATCH_TRANSCRIPTS = ['07-patch.txt', '21-error-400-invalid-disk-format.txt', '23-error-403-patch-readonly.txt', '24-error-400-bad-json.txt', '25-error-415-patch-content-type.txt', '26-error-403-protected-delete.txt'];

test('the transcripts hold the PATCH requests to replay', () => {
  const calls = PATCH_TRANSCRIPTS.flatMap((file) => [...recordedCalls(file).values()].filter((c) => c.request.method === 'PATCH'));
  assert.ok(calls.length >= 30, `only ${calls.length}`);
  assert.ok(calls.filter((c) => c.status === 403).length >= 10);
});

for (const file of PATCH_TRANSCRIPTS) {
  for (const [title, call] of recordedCalls(file)) {
    if (call.request.method !== 'PATCH') continue;
    const { headers, body } = call.request;
    const refusedBeforeLookup = call.status === 400 || call.status === 415 || (call.status === 403 && /is (read-only|reserved)\./.test(call.response.body));
    test(`${file}: ${title}: ${refusedBeforeLookup ? `${call.status} with Glance's body` : 'parses'}`, async () => {
      if (!refusedBeforeLookup) {
        assert.doesNotThrow(() => parseChanges(headers['content-type'], body !== null, body ?? ''));
        return;
      }
      let error: unknown;
      try {
        parseChanges(headers['content-type'], body !== null, body ?? '');
      } catch (err) {
        error = err;
      }
      assert.ok(error instanceof GlanceError, `expected Glance's ${call.status}`);
      const res = errorResponse(error, headers.accept);
      assert.equal(res.status, call.status);
      assert.equal(await res.text(), call.response.body);
      if (call.status === 415) assert.equal(res.headers.get('accept-patch'), call.response.headers['accept-patch']);
    });
  }
}
