// What causes each status change: the table's actions, the preconditions
// read from them, and who an image event says acted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Conflict } from '../../lib/errors';
import { actorColumns, isServerActor, serverActor } from '../../lib/images/actor';
import {
  allowsAction,
  assertAction,
  EDGES,
  IMAGE_STATUSES,
  InvalidTransitionError,
  sourcesOf,
  TRANSITION_ACTIONS,
  TRANSITIONS,
  type ImageStatus,
} from '../../lib/images/state-machine';
import { assertMayBeginUpload, reasonOf } from '../../lib/images/status';
import { assertCanStage } from '../../lib/uploads/lifecycle';

test('TRANSITIONS is read from the edges: one edge per pair, targets in table order', () => {
  const pairs = EDGES.map((e) => `${e.from}>${e.to}`);
  assert.equal(new Set(pairs).size, pairs.length);
  for (const s of IMAGE_STATUSES) assert.deepEqual(TRANSITIONS[s], EDGES.filter((e) => e.from === s).map((e) => e.to), s);
  assert.equal(IMAGE_STATUSES.reduce((n, s) => n + TRANSITIONS[s].length, 0), EDGES.length);
});

test('every edge has a cause and a label, and every cause moves some edge', () => {
  for (const e of EDGES) {
    assert.ok(e.actions.length > 0, `${e.from}>${e.to}`);
    assert.ok(e.label.trim().length > 0, `${e.from}>${e.to}`);
    for (const a of e.actions) assert.ok((TRANSITION_ACTIONS as readonly string[]).includes(a), a);
  }
  for (const a of TRANSITION_ACTIONS) assert.ok(EDGES.some((e) => e.actions.includes(a)), a);
});

const sources = (action: Parameters<typeof sourcesOf>[0], to: ImageStatus) => sourcesOf(action, to).sort();

test('data arrives only in a queued image, and only a staged upload is imported', () => {
  assert.deepEqual(sources('upload_started', 'saving'), ['queued']);
  assert.deepEqual(sources('upload_started', 'uploading'), ['queued']);
  assert.deepEqual(sources('upload_finished', 'active'), ['saving']);
  assert.deepEqual(sources('import_started', 'importing'), ['queued', 'uploading']);
  assert.deepEqual(sources('imported', 'active'), ['importing']);
});

test('failures, cancels, expiry and restart repair go back to queued only from where they can happen', () => {
  // uploading: a failed PUT /stage, or an import task that failed before its image began importing.
  assert.deepEqual(sources('upload_failed', 'queued'), ['saving', 'uploading']);
  assert.deepEqual(sources('reset_after_restart', 'queued'), ['saving']);
  assert.deepEqual(sources('upload_cancelled', 'queued'), ['uploading']);
  assert.deepEqual(sources('upload_expired', 'queued'), ['uploading']);
  assert.deepEqual(sources('import_failed', 'queued'), ['importing', 'uploading']);
  assert.ok(!allowsAction('active', 'queued', 'upload_failed'));
});

test('deactivate only an active image, reactivate only a deactivated one', () => {
  assert.deepEqual(sources('deactivated', 'deactivated'), ['active']);
  assert.deepEqual(sources('reactivated', 'active'), ['deactivated']);
});

test('a delete may end every status but deleted', () => {
  for (const s of IMAGE_STATUSES) assert.equal(allowsAction(s, 'deleted', 'deleted'), s !== 'deleted', s);
});

test('the right edge for the wrong cause is refused in the words of a missing edge', () => {
  assert.ok(allowsAction('saving', 'active', 'upload_finished'));
  assert.throws(() => assertAction('saving', 'active', 'imported'), (err: Error) =>
    err instanceof InvalidTransitionError && err.message === 'Image status transition from saving to active is not allowed');
  assert.throws(() => assertAction('bogus', 'active', 'imported'), InvalidTransitionError);
  assert.doesNotThrow(() => assertAction('importing', 'active', 'imported'));
});

test('an upload into a non-queued image is a 409 in Glance words', () => {
  assert.doesNotThrow(() => assertMayBeginUpload('queued', 'saving'));
  for (const s of ['active', 'saving', 'uploading', 'importing', 'deactivated', 'killed']) {
    assert.throws(() => assertMayBeginUpload(s, 'saving'), (err: Error) =>
      err instanceof Conflict && err.message === `Image status transition from ${s} to saving is not allowed`);
  }
});

test('a staged upload may start (again) in a queued or uploading image only', () => {
  assert.doesNotThrow(() => assertCanStage('queued'));
  assert.doesNotThrow(() => assertCanStage('uploading'));
  for (const s of ['saving', 'importing', 'active', 'deactivated']) {
    assert.throws(() => assertCanStage(s), { message: `Image status transition from ${s} to uploading is not allowed` });
  }
});

test('an event names the requesting user, and nobody when the server acted on its own', () => {
  const user = { requestId: 'req-1', userId: 'u', projectId: 'p', roles: ['member'], isAdmin: false };
  assert.equal(isServerActor(user), false);
  assert.deepEqual(actorColumns(user), { requestId: 'req-1', userId: 'u', projectId: 'p' });
  const sweeper = serverActor('staging-sweeper');
  assert.ok(isServerActor(sweeper));
  assert.deepEqual(actorColumns(sweeper), { requestId: null, userId: null, projectId: null });
});

test('the reason an event keeps is the error message, or the text given', () => {
  assert.equal(reasonOf(new Error('ENOSPC: no space left')), 'ENOSPC: no space left');
  assert.equal(reasonOf('the staged data is gone'), 'the staged data is gone');
});
