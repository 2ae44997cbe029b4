// The "Update metadata" dialog's model: the catalog grouped and filtered,
// defaults, values checked against their definitions, Nova's array syntax,
// and the one JSON patch Save sends.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  catalogGroups, filterGroups, initialValue, joinArray, metadataPatch, problemWith, splitArray, type CatalogNamespace,
} from '../../components/console/metadata/catalog';

const NAMESPACES: CatalogNamespace[] = [
  {
    namespace: 'OS::Compute::Watchdog',
    display_name: 'Watchdog Behavior',
    properties: { hw_watchdog_action: { type: 'string', title: 'Watchdog Action', enum: ['disabled', 'reset'], default: 'disabled' } },
  },
  { namespace: 'OS::Empty' },
  {
    namespace: 'CIM::ProcessorAllocationSettingData',
    objects: [{ name: 'Processor', properties: { CIM_PASD_InstructionSet: { type: 'string', title: 'Instruction Set' } } }],
  },
];

test('groups: a namespace per group, its objects\' properties included, empty namespaces left out', () => {
  const groups = catalogGroups(NAMESPACES);
  assert.deepEqual(groups.map((g) => [g.title, g.items.map((i) => i.key)]), [
    ['Watchdog Behavior', ['hw_watchdog_action']],
    ['CIM::ProcessorAllocationSettingData', ['CIM_PASD_InstructionSet']],
  ]);
  assert.equal(groups[1].items[0].object, 'Processor');
});

test('filter: by key, title, object or namespace title, case-insensitive; properties the image has are not offered', () => {
  const groups = catalogGroups(NAMESPACES);
  const keys = (text: string, taken: string[] = []) => filterGroups(groups, text, new Set(taken)).flatMap((g) => g.items.map((i) => i.key));
  assert.deepEqual(keys('WATCHDOG ACTION'), ['hw_watchdog_action']);
  assert.deepEqual(keys('processor'), ['CIM_PASD_InstructionSet']);
  assert.deepEqual(keys('behavior'), ['hw_watchdog_action']);
  assert.deepEqual(keys(''), ['hw_watchdog_action', 'CIM_PASD_InstructionSet']);
  assert.deepEqual(keys('', ['hw_watchdog_action']), ['CIM_PASD_InstructionSet']);
  assert.deepEqual(keys('nothing-like-it'), []);
});

test('a new property starts at its default, else the first choice, false, or empty', () => {
  assert.equal(initialValue({ type: 'string', enum: ['a', 'b'], default: 'b' }), 'b');
  assert.equal(initialValue({ type: 'string', enum: ['a', 'b'] }), 'a');
  assert.equal(initialValue({ type: 'boolean' }), 'false');
  assert.equal(initialValue({ type: 'boolean', default: 'true' }), 'true');
  assert.equal(initialValue({ type: 'integer' }), '');
});

test('values are checked against type, bounds, length, pattern and choices', () => {
  const int = { type: 'integer', minimum: 1, maximum: 8 };
  assert.equal(problemWith(int, '4'), null);
  assert.equal(problemWith(int, '4.5'), 'Must be an integer.');
  assert.equal(problemWith(int, '0'), 'Must be at least 1.');
  assert.equal(problemWith(int, '9'), 'Must be at most 8.');
  assert.equal(problemWith({ type: 'number' }, '2.5'), null);
  assert.equal(problemWith({ type: 'number' }, 'x'), 'Must be a number.');
  assert.equal(problemWith({ type: 'string', maxLength: 3 }, 'abcd'), 'Must be at most 3 characters.');
  assert.equal(problemWith({ type: 'string', pattern: '^[0-9]+$' }, '12a'), 'Must match the pattern ^[0-9]+$.');
  assert.equal(problemWith({ type: 'string', enum: ['a'] }, 'b'), 'Must be one of a.');
  assert.equal(problemWith(undefined, 'anything'), null);
});

test('arrays in Nova\'s extra-spec syntax, and back', () => {
  assert.equal(joinArray(['aes', 'sse2'], '<or>'), '<or> aes <or> sse2');
  assert.equal(joinArray(['aes', 'sse2'], '<all-in>'), '<all-in> aes sse2');
  assert.equal(joinArray(['aes', 'sse2'], undefined), 'aes,sse2');
  assert.deepEqual(splitArray('<or> aes <or> sse2', ['<or>', '<all-in>']), { operator: '<or>', values: ['aes', 'sse2'] });
  assert.deepEqual(splitArray('<all-in> aes sse2', ['<or>', '<all-in>']), { operator: '<all-in>', values: ['aes', 'sse2'] });
  assert.deepEqual(splitArray('aes,sse2', undefined), { operator: undefined, values: ['aes', 'sse2'] });
  assert.deepEqual(splitArray('', ['<or>']), { operator: '<or>', values: [] });
});

test('one patch: removes, then adds and replaces; keys escaped as JSON pointers; nothing for no change', () => {
  const before = new Map([['a', '1'], ['b', '2'], ['x/y', '3']]);
  const after = new Map([['a', '1'], ['b', '20'], ['c~d', '4']]);
  assert.deepEqual(metadataPatch(before, after), [
    { op: 'remove', path: '/x~1y' },
    { op: 'replace', path: '/b', value: '20' },
    { op: 'add', path: '/c~0d', value: '4' },
  ]);
  assert.deepEqual(metadataPatch(before, new Map(before)), []);
});
