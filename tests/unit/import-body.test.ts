// POST /import's body rules (Glance's _validate_import_body and
// get_stores_from_request), their order and words; the progress-list merge
// (merge_store_list) and oslo's list option.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseImportBody, requestedStores } from '../../lib/imports/body';
import { merge } from '../../lib/imports/run';
import { listOpt } from '../../lib/config';
import { GlanceError } from '../../lib/errors';

const ENABLED = ['glance-direct'];

function refused(fn: () => unknown): { status: number; message: string } {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof GlanceError, `a GlanceError, got ${String(err)}`);
    return { status: err.status, message: err.message };
  }
  assert.fail('expected a refusal');
}

test('method and method.name are required, in that order', () => {
  assert.deepEqual(refused(() => parseImportBody({}, ENABLED)), { status: 400, message: "Import request requires a 'method' field." });
  assert.deepEqual(refused(() => parseImportBody([], ENABLED)), { status: 400, message: "Import request requires a 'method' field." });
  assert.deepEqual(refused(() => parseImportBody({ method: {} }, ENABLED)), { status: 400, message: "Import request requires a 'name' field." });
  assert.deepEqual(refused(() => parseImportBody({ method: { uri: 'x' } }, ENABLED)), { status: 400, message: "Import request requires a 'name' field." });
});

test('an unknown or not enabled method is 400 naming it as Python prints it', () => {
  assert.equal(refused(() => parseImportBody({ method: { name: 'bogus' } }, ENABLED)).message, "Unknown import method name 'bogus'.");
  assert.equal(refused(() => parseImportBody({ method: { name: 'web-download' } }, ENABLED)).message, "Unknown import method name 'web-download'.");
  assert.equal(refused(() => parseImportBody({ method: { name: null } }, ENABLED)).message, "Unknown import method name 'None'.");
  assert.equal(refused(() => parseImportBody({ method: { name: 'glance-direct' } }, [])).message, "Unknown import method name 'glance-direct'.");
});

test('all_stores_must_succeed, then all_stores, must be booleans; defaults true and false', () => {
  assert.equal(refused(() => parseImportBody({ method: { name: 'glance-direct' }, all_stores_must_succeed: 'yes', all_stores: 1 }, ENABLED)).message, "'all_stores_must_succeed' must be boolean value only");
  assert.equal(refused(() => parseImportBody({ method: { name: 'glance-direct' }, all_stores: 'true' }, ENABLED)).message, "'all_stores' must be boolean value only");
  assert.equal(refused(() => parseImportBody({ method: { name: 'glance-direct' }, all_stores_must_succeed: null }, ENABLED)).message, "'all_stores_must_succeed' must be boolean value only");
  const ok = parseImportBody({ method: { name: 'glance-direct' } }, ENABLED);
  assert.equal(ok.all_stores_must_succeed, true);
  assert.equal(ok.all_stores, false);
  assert.deepEqual(ok.raw, { method: { name: 'glance-direct' } });
});

const KNOWN = { all: ['fast', 'slow'], default: 'fast' };
const stores = (body: Record<string, unknown>, header: string | null = null) =>
  requestedStores({ ...parseImportBody({ method: { name: 'glance-direct' }, ...body }, ENABLED) }, header, KNOWN);

test('target stores: default, header, stores list, all_stores; conflicting forms are 400', () => {
  assert.deepEqual(stores({}), { stores: ['fast'], unknown: null });
  assert.deepEqual(stores({}, 'slow'), { stores: ['slow'], unknown: null });
  assert.deepEqual(stores({ stores: ['slow', 'fast'] }), { stores: ['slow', 'fast'], unknown: null });
  assert.deepEqual(stores({ all_stores: true }), { stores: ['fast', 'slow'], unknown: null });
  assert.equal(refused(() => stores({ all_stores: true, stores: ['fast'] })).message, "All_stores parameter can't be used with x-image-meta-store header or stores parameter");
  assert.equal(refused(() => stores({ all_stores: true }, 'fast')).status, 400);
  assert.equal(refused(() => stores({ stores: ['fast'] }, 'fast')).message, "Stores parameter and x-image-meta-store header can't be both specified");
  assert.deepEqual(stores({ stores: ['fast', 'nope'] }), { stores: [], unknown: 'nope' });
  assert.deepEqual(stores({}, 'nope'), { stores: [], unknown: 'nope' });
  // Real Glance 25.1 (tests/fixtures/glance-copy-image.txt): "stores": "slow" is 409 "Store for identifier s not found".
  assert.deepEqual(stores({ stores: 'slow' }), { stores: [], unknown: 's' });
  assert.deepEqual(stores({ stores: { fast: 1, nope: 2 } }), { stores: [], unknown: 'nope' });
  assert.equal(refused(() => stores({ stores: null })).status, 400);
});

test('progress lists are sorted comma lists (merge_store_list)', () => {
  assert.equal(merge(null, ['b', 'a'], 'add'), 'a,b');
  assert.equal(merge('a,b', ['a'], 'remove'), 'b');
  assert.equal(merge('', [], 'add'), '');
  assert.equal(merge('c', ['c'], 'remove'), '');
});

test('enabled_import_methods reads as oslo.config ListOpt', () => {
  assert.deepEqual(listOpt('glance-direct,web-download'), ['glance-direct', 'web-download']);
  assert.deepEqual(listOpt(' [glance-direct, "copy-image"] '), ['glance-direct', 'copy-image']);
  assert.deepEqual(listOpt(''), []);
  assert.equal(listOpt(undefined), null);
});
