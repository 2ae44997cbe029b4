// Image bodies against the image schema (the one served at
// /v2/schemas/image), with jsonschema's error text as Glance words it.
// Expected messages: what Glance 25.1's own images.get_schema().validate()
// raises for the same body (python3-glance, python3-jsonschema 4.10).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GlanceError } from '../../lib/errors';
import { errorResponse } from '../../lib/http/respond';
import { assertValidImage } from '../../lib/images/schema';
import { recordedCalls } from '../helpers/recorded-requests';

const X256 = 'x'.repeat(256);
const N256 = 'n'.repeat(256);

function validation(body: Record<string, unknown>): string | null {
  try {
    assertValidImage(body);
    return null;
  } catch (err) {
    assert.ok(err instanceof GlanceError);
    assert.equal(err.status, 400);
    return err.message;
  }
}

const GLANCE: [Record<string, unknown>, string | null][] = [
  [{"name": "bad", "disk_format": "floppy", "container_format": "bare"}, "Provided object does not match schema 'image': 'floppy' is not one of [None, 'ami', 'ari', 'aki', 'vhd', 'vhdx', 'vmdk', 'raw', 'qcow2', 'vdi', 'iso', 'ploop']\n\nFailed validating 'enum' in schema['properties']['disk_format']:\n    {'description': 'Format of the disk',\n     'enum': [None,\n              'ami',\n              'ari',\n              'aki',\n              'vhd',\n              'vhdx',\n              'vmdk',\n              'raw',\n              'qcow2',\n              'vdi',\n              'iso',\n              'ploop'],\n     'type': ['null', 'string']}\n\nOn instance['disk_format']:\n    'floppy'"],
  [{"min_ram": "5"}, "Provided object does not match schema 'image': '5' is not of type 'integer'\n\nFailed validating 'type' in schema['properties']['min_ram']:\n    {'description': 'Amount of ram (in MB) required to boot image.',\n     'type': 'integer'}\n\nOn instance['min_ram']:\n    '5'"],
  [{"tags": "a"}, "Provided object does not match schema 'image': 'a' is not of type 'array'\n\nFailed validating 'type' in schema['properties']['tags']:\n    {'description': 'List of strings related to the image',\n     'items': {'maxLength': 255, 'type': 'string'},\n     'type': 'array'}\n\nOn instance['tags']:\n    'a'"],
  [{"tags": [X256]}, `Provided object does not match schema 'image': '${X256}' is too long\n\nFailed validating 'maxLength' in schema['properties']['tags']['items']:\n    {'maxLength': 255, 'type': 'string'}\n\nOn instance['tags'][0]:\n    '${X256}'`],
  [{"tags": ["a", 5]}, "Provided object does not match schema 'image': 5 is not of type 'string'\n\nFailed validating 'type' in schema['properties']['tags']['items']:\n    {'maxLength': 255, 'type': 'string'}\n\nOn instance['tags'][1]:\n    5"],
  [{"os_hidden": "true"}, "Provided object does not match schema 'image': 'true' is not of type 'boolean'\n\nFailed validating 'type' in schema['properties']['os_hidden']:\n    {'description': 'If true, image will not appear in default image list '\n                    'response.',\n     'type': 'boolean'}\n\nOn instance['os_hidden']:\n    'true'"],
  [{"id": "not-a-uuid"}, "Provided object does not match schema 'image': 'not-a-uuid' does not match '^([0-9a-fA-F]){8}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){12}$'\n\nFailed validating 'pattern' in schema['properties']['id']:\n    {'description': 'An identifier for the image',\n     'pattern': '^([0-9a-fA-F]){8}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){12}$',\n     'type': 'string'}\n\nOn instance['id']:\n    'not-a-uuid'"],
  [{"name": null}, null],
  [{"protected": 1}, "Provided object does not match schema 'image': 1 is not of type 'boolean'\n\nFailed validating 'type' in schema['properties']['protected']:\n    {'description': 'If true, image will not be deletable.',\n     'type': 'boolean'}\n\nOn instance['protected']:\n    1"],
  [{"custom": 5}, "Provided object does not match schema 'image': 5 is not of type 'string'\n\nFailed validating 'type' in schema['additionalProperties']:\n    {'type': 'string'}\n\nOn instance['custom']:\n    5"],
  [{"name": "ok", "tags": ["a", "b"], "custom": "v"}, null],
  [{"min_disk": 1.5}, "Provided object does not match schema 'image': 1.5 is not of type 'integer'\n\nFailed validating 'type' in schema['properties']['min_disk']:\n    {'description': 'Amount of disk space (in GB) required to boot image.',\n     'type': 'integer'}\n\nOn instance['min_disk']:\n    1.5"],
  [{"container_format": null, "disk_format": null}, null],
  [{"name": N256}, `Provided object does not match schema 'image': '${N256}' is too long\n\nFailed validating 'maxLength' in schema['properties']['name']:\n    {'description': 'Descriptive name for the image',\n     'maxLength': 255,\n     'type': ['null', 'string']}\n\nOn instance['name']:\n    '${N256}'`],
  [{"visibility": "everyone"}, "Provided object does not match schema 'image': 'everyone' is not one of ['community', 'public', 'private', 'shared']\n\nFailed validating 'enum' in schema['properties']['visibility']:\n    {'description': 'Scope of image accessibility',\n     'enum': ['community', 'public', 'private', 'shared'],\n     'type': 'string'}\n\nOn instance['visibility']:\n    'everyone'"],
  [{"min_ram": null}, "Provided object does not match schema 'image': None is not of type 'integer'\n\nFailed validating 'type' in schema['properties']['min_ram']:\n    {'description': 'Amount of ram (in MB) required to boot image.',\n     'type': 'integer'}\n\nOn instance['min_ram']:\n    None"],
  [{"custom": null}, "Provided object does not match schema 'image': None is not of type 'string'\n\nFailed validating 'type' in schema['additionalProperties']:\n    {'type': 'string'}\n\nOn instance['custom']:\n    None"],
  [{"custom": ["a"]}, "Provided object does not match schema 'image': ['a'] is not of type 'string'\n\nFailed validating 'type' in schema['additionalProperties']:\n    {'type': 'string'}\n\nOn instance['custom']:\n    ['a']"],
  [{"name": 5}, "Provided object does not match schema 'image': 5 is not of type 'null', 'string'\n\nFailed validating 'type' in schema['properties']['name']:\n    {'description': 'Descriptive name for the image',\n     'maxLength': 255,\n     'type': ['null', 'string']}\n\nOn instance['name']:\n    5"],
  [{"disk_format": "QCOW2"}, "Provided object does not match schema 'image': 'QCOW2' is not one of [None, 'ami', 'ari', 'aki', 'vhd', 'vhdx', 'vmdk', 'raw', 'qcow2', 'vdi', 'iso', 'ploop']\n\nFailed validating 'enum' in schema['properties']['disk_format']:\n    {'description': 'Format of the disk',\n     'enum': [None,\n              'ami',\n              'ari',\n              'aki',\n              'vhd',\n              'vhdx',\n              'vmdk',\n              'raw',\n              'qcow2',\n              'vdi',\n              'iso',\n              'ploop'],\n     'type': ['null', 'string']}\n\nOn instance['disk_format']:\n    'QCOW2'"],
];

for (const [body, want] of GLANCE) {
  test(`schema check of ${JSON.stringify(body).slice(0, 60)}: ${want === null ? 'valid' : 'refused'}, as Glance`, () => {
    assert.equal(validation(body), want);
  });
}

// The recorded creates: the schema refusals render to Glance's very bytes.
const refusals = [...recordedCalls('21-error-400-invalid-disk-format.txt').entries()].filter(
  ([, c]) => c.request.method === 'POST' && c.status === 400 && c.response.body.includes('does not match schema'),
);

test('the transcript holds the recorded schema refusals', () => {
  assert.ok(refusals.length >= 5, `only ${refusals.length}`);
});

for (const [title, call] of refusals) {
  test(`21-error-400-invalid-disk-format.txt: ${title}`, async () => {
    let error: unknown;
    try {
      assertValidImage(JSON.parse(call.request.body!));
    } catch (err) {
      error = err;
    }
    assert.ok(error instanceof GlanceError, 'refused');
    assert.equal(await errorResponse(error, call.request.headers.accept).text(), call.response.body);
  });
}
