// Python's repr() and pprint.pformat(width=72) of JSON values, which Glance's
// schema errors (jsonschema's str(error)) show to clients. Each expected
// string is what CPython 3.11 prints for json.loads(source).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pformat, pyRepr } from '../../lib/images/pyformat';
import { pyJson } from '../../lib/http/py-json';

// [JSON source, repr(value), pprint.pformat(value, width=72)]
const PYTHON: [string, string, string][] = [
  ["\"plain\"", "'plain'", "'plain'"],
  ["\"it's\"", "\"it's\"", "\"it's\""],
  ["\"say \\\"hi\\\"\"", "'say \"hi\"'", "'say \"hi\"'"],
  ["\"both ' and \\\"\"", "'both \\' and \"'", "'both \\' and \"'"],
  ["\"back\\\\slash\"", "'back\\\\slash'", "'back\\\\slash'"],
  ["\"line\\nbreak\\ttab\\rcr\"", "'line\\nbreak\\ttab\\rcr'", "'line\\nbreak\\ttab\\rcr'"],
  ["\"\\u0001\\u001f\\u007f\"", "'\\x01\\x1f\\x7f'", "'\\x01\\x1f\\x7f'"],
  ["\"caf\\u00e9 \\u20ac \\ud83d\\ude00\"", "'caf\u00e9 \u20ac \ud83d\ude00'", "'caf\u00e9 \u20ac \ud83d\ude00'"],
  ["\"\"", "''", "''"],
  ["0", "0", "0"],
  ["-1", "-1", "-1"],
  ["123456789012", "123456789012", "123456789012"],
  ["9007199254740991", "9007199254740991", "9007199254740991"],
  ["0.5", "0.5", "0.5"],
  ["-2.25", "-2.25", "-2.25"],
  ["true", "True", "True"],
  ["false", "False", "False"],
  ["null", "None", "None"],
  ["[]", "[]", "[]"],
  ["{}", "{}", "{}"],
  ["[1, \"a\", null, true]", "[1, 'a', None, True]", "[1, 'a', None, True]"],
  ["{\"b\": 1, \"a\": [2, 3], \"C\": {}}", "{'b': 1, 'a': [2, 3], 'C': {}}", "{'C': {}, 'a': [2, 3], 'b': 1}"],
  ["{\"description\": \"Format of the disk\", \"enum\": [null, \"ami\", \"ari\", \"aki\", \"vhd\", \"vhdx\", \"vmdk\", \"raw\", \"qcow2\", \"vdi\", \"iso\", \"ploop\"], \"type\": [\"null\", \"string\"]}", "{'description': 'Format of the disk', 'enum': [None, 'ami', 'ari', 'aki', 'vhd', 'vhdx', 'vmdk', 'raw', 'qcow2', 'vdi', 'iso', 'ploop'], 'type': ['null', 'string']}", "{'description': 'Format of the disk',\n 'enum': [None,\n          'ami',\n          'ari',\n          'aki',\n          'vhd',\n          'vhdx',\n          'vmdk',\n          'raw',\n          'qcow2',\n          'vdi',\n          'iso',\n          'ploop'],\n 'type': ['null', 'string']}"],
  ["{\"description\": \"Scope of image accessibility\", \"enum\": [\"community\", \"public\", \"private\", \"shared\"], \"type\": \"string\"}", "{'description': 'Scope of image accessibility', 'enum': ['community', 'public', 'private', 'shared'], 'type': 'string'}", "{'description': 'Scope of image accessibility',\n 'enum': ['community', 'public', 'private', 'shared'],\n 'type': 'string'}"],
  ["\"nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn\"", "'nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn'", "'nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn'"],
  ["\"the quick brown fox jumps over the lazy dog and keeps running far beyond the seventy two column limit of pprint\"", "'the quick brown fox jumps over the lazy dog and keeps running far beyond the seventy two column limit of pprint'", "('the quick brown fox jumps over the lazy dog and keeps running far '\n 'beyond the seventy two column limit of pprint')"],
  ["\"first line\\nsecond line that is rather long and goes on and on past the limit of seventy-two chars\\nthird\"", "'first line\\nsecond line that is rather long and goes on and on past the limit of seventy-two chars\\nthird'", "('first line\\n'\n 'second line that is rather long and goes on and on past the limit of '\n 'seventy-two chars\\n'\n 'third')"],
  ["{\"key\": \"the quick brown fox jumps over the lazy dog and keeps running far beyond the limit\"}", "{'key': 'the quick brown fox jumps over the lazy dog and keeps running far beyond the limit'}", "{'key': 'the quick brown fox jumps over the lazy dog and keeps running '\n        'far beyond the limit'}"],
  ["[\"the quick brown fox jumps over the lazy dog and keeps running far beyond the limit\", \"short\"]", "['the quick brown fox jumps over the lazy dog and keeps running far beyond the limit', 'short']", "['the quick brown fox jumps over the lazy dog and keeps running far '\n 'beyond the limit',\n 'short']"],
  ["{\"a\": {\"nested\": {\"deeper\": [\"aaaaaaaaaaaaaaaa\", \"bbbbbbbbbbbbbbbbbbbb\", \"cccccccccccccccccccc\", \"dddddddddddd\"]}}}", "{'a': {'nested': {'deeper': ['aaaaaaaaaaaaaaaa', 'bbbbbbbbbbbbbbbbbbbb', 'cccccccccccccccccccc', 'dddddddddddd']}}}", "{'a': {'nested': {'deeper': ['aaaaaaaaaaaaaaaa',\n                             'bbbbbbbbbbbbbbbbbbbb',\n                             'cccccccccccccccccccc',\n                             'dddddddddddd']}}}"],
  ["[[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25]]", "[[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25]]", "[[1,\n  2,\n  3,\n  4,\n  5,\n  6,\n  7,\n  8,\n  9,\n  10,\n  11,\n  12,\n  13,\n  14,\n  15,\n  16,\n  17,\n  18,\n  19,\n  20,\n  21,\n  22,\n  23,\n  24,\n  25]]"],
  ["\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"", "'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'", "'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'"],
  ["\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"", "'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'", "'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'"],
];

for (const [source, repr, pretty] of PYTHON) {
  test(`repr and pformat of ${source.length > 50 ? `${source.slice(0, 50)}…` : source}`, () => {
    const value = JSON.parse(source);
    assert.equal(pyRepr(value), repr);
    assert.equal(pformat(value), pretty);
  });
}

test('pformat sorts dict keys (code-point order, upper case first); repr keeps them as given', () => {
  const v = { b: 1, a: 2, B: 3 };
  assert.equal(pyRepr(v), "{'b': 1, 'a': 2, 'B': 3}");
  assert.equal(pyRepr(v, true), "{'B': 3, 'a': 2, 'b': 1}");
  assert.equal(pformat(v), "{'B': 3, 'a': 2, 'b': 1}");
});

test('no line of a pformat result is wider than 72 columns when it can be split', () => {
  const value = { description: 'x'.repeat(30), enum: Array.from({ length: 40 }, (_, i) => `value-${i}`), nested: { list: ['a '.repeat(50)] } };
  for (const line of pformat(value).split('\n')) assert.ok(line.length <= 72, line);
});

// json.dumps(value) as Glance's JSON bodies carry it (separators ', ' and ': ', ASCII only).
const DUMPS: [unknown, string][] = [
  [{ a: 1, b: [true, null, 'x'] }, '{"a": 1, "b": [true, null, "x"]}'],
  ['café €😀', '"caf\\u00e9 \\u20ac\\ud83d\\ude00"'],
  ['\u007f\u0000"\\', '"\\u007f\\u0000\\"\\\\"'],
  [[], '[]'],
  [{}, '{}'],
  [-0.5, '-0.5'],
  [12345678901234n, '12345678901234'],
];
for (const [value, want] of DUMPS) {
  test(`json.dumps(${JSON.stringify(value, (_, v) => (typeof v === 'bigint' ? `${v}n` : v))})`, () => {
    assert.equal(pyJson(value), want);
  });
}
