// The image state table against Glance 25.1's (glance.domain.Image
// valid_state_targets), pair by pair, and the properties any use of it
// relies on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  assertTransition,
  canTransition,
  IMAGE_STATUSES,
  InvalidTransitionError,
  isImageStatus,
  STATUS_DESCRIPTIONS,
  TRANSITIONS,
  type ImageStatus,
} from '../../lib/images/state-machine';

// Copied from glance/domain/__init__.py (25.1): the statuses an image may go to from each status.
const GLANCE: Record<string, string[]> = {
  queued: ['saving', 'uploading', 'importing', 'active', 'deleted'],
  saving: ['active', 'killed', 'deleted', 'queued'],
  uploading: ['importing', 'queued', 'deleted'],
  importing: ['active', 'deleted', 'queued'],
  active: ['pending_delete', 'deleted', 'deactivated'],
  killed: ['deleted'],
  pending_delete: ['deleted', 'active'],
  deleted: [],
  deactivated: ['active', 'deleted'],
};

test("the statuses are Glance's nine", () => {
  assert.deepEqual([...IMAGE_STATUSES].sort(), Object.keys(GLANCE).sort());
  for (const s of IMAGE_STATUSES) assert.ok(isImageStatus(s));
  for (const s of ['', 'Active', 'ACTIVE', 'error', 'toString', '__proto__']) assert.equal(isImageStatus(s), false, s);
});

for (const from of Object.keys(GLANCE)) {
  for (const to of Object.keys(GLANCE)) {
    const allowed = GLANCE[from].includes(to);
    test(`${from} → ${to} is ${allowed ? 'allowed' : 'refused'}, as in Glance`, () => {
      assert.equal(canTransition(from as ImageStatus, to as ImageStatus), allowed);
      if (allowed) assert.doesNotThrow(() => assertTransition(from, to as ImageStatus));
      else {
        assert.throws(
          () => assertTransition(from, to as ImageStatus),
          (err: Error) => err instanceof InvalidTransitionError && err.message === `Image status transition from ${from} to ${to} is not allowed`,
        );
      }
    });
  }
}

test('an unknown current status allows nothing (and says so in Glance\'s words)', () => {
  assert.throws(() => assertTransition('bogus', 'active'), { message: 'Image status transition from bogus to active is not allowed' });
  assert.throws(() => assertTransition('toString', 'active'), InvalidTransitionError);
});

test("the 409 wording clients see for an upload to an active image", () => {
  // 22-error-409-upload-to-active.txt
  assert.equal(new InvalidTransitionError('active', 'saving').message, 'Image status transition from active to saving is not allowed');
});

test('every status is reachable from queued', () => {
  const reached = new Set<ImageStatus>(['queued']);
  const todo: ImageStatus[] = ['queued'];
  while (todo.length) {
    for (const t of TRANSITIONS[todo.pop()!]) {
      if (!reached.has(t)) {
        reached.add(t);
        todo.push(t);
      }
    }
  }
  assert.deepEqual([...reached].sort(), [...IMAGE_STATUSES].sort());
});

test('deleted is final, and every other status can still be deleted', () => {
  assert.deepEqual(TRANSITIONS.deleted, []);
  for (const s of IMAGE_STATUSES) if (s !== 'deleted') assert.ok(canTransition(s, 'deleted'), s);
});

test('no status "transitions" to itself, and the table names only known statuses, once each', () => {
  for (const s of IMAGE_STATUSES) {
    assert.ok(!canTransition(s, s), s);
    assert.equal(new Set(TRANSITIONS[s]).size, TRANSITIONS[s].length, s);
    for (const t of TRANSITIONS[s]) assert.ok(isImageStatus(t), `${s} → ${t}`);
  }
});

test('a failed or abandoned upload can go back to queued (Glance v2 restores instead of killing)', () => {
  for (const s of ['saving', 'uploading', 'importing'] as const) assert.ok(canTransition(s, 'queued'), s);
  assert.ok(!canTransition('active', 'queued'));
});

test('every status has a description for the console legend', () => {
  for (const s of IMAGE_STATUSES) assert.ok(STATUS_DESCRIPTIONS[s].length > 10, s);
});
