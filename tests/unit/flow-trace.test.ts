// An image's path through the state machine, read from its events: the
// transitions traced on the diagram, and the time spent in each state.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stateSpans, timePerState, tracedPath } from '../../lib/console/flow-trace';

test("an image's traced path: the states it went through and the transitions taken, oldest first", () => {
  const traced = tracedPath([
    { from: null, to: 'queued' },
    { from: 'queued', to: 'saving' },
    { from: 'saving', to: 'queued' },
    { from: null, to: null },
    { from: 'queued', to: 'saving' },
    { from: 'saving', to: 'active' },
    { from: 'active', to: 'active' },
  ]);
  assert.deepEqual(traced.states, ['queued', 'saving', 'active']);
  assert.deepEqual(traced.edges, ['queued>saving', 'saving>queued', 'queued>saving', 'saving>active']);
  assert.deepEqual(traced.failed, []);
  assert.deepEqual(tracedPath([]), { states: [], edges: [], failed: [] });
});

test('a failed import is traced as a failure, the import it retried with as a plain transition', () => {
  const traced = tracedPath([
    { from: null, to: 'queued', action: 'created' },
    { from: 'queued', to: 'importing', action: 'import_started' },
    { from: 'importing', to: 'queued', action: 'import_failed' },
    { from: 'queued', to: 'importing', action: 'import_started' },
    { from: 'importing', to: 'active', action: 'imported' },
  ]);
  assert.deepEqual(traced.failed, ['importing>queued']);
  assert.deepEqual(traced.states, ['queued', 'importing', 'active']);
});

test('time in each state: a span per stay, a failure marks the span it ended, the current stay runs to now', () => {
  const t0 = Date.parse('2026-01-01T00:00:00Z');
  const at = (s: number) => new Date(t0 + s * 1000).toISOString();
  const spans = stateSpans(
    [
      { at: at(0), from: null, to: 'queued', action: 'created' },
      { at: at(2), from: 'queued', to: 'saving', action: 'upload_started' },
      { at: at(5), from: 'saving', to: 'queued', action: 'upload_failed', reason: 'Upload the file again.' },
      { at: at(6), from: null, to: null, action: 'updated' },
      { at: at(9), from: 'queued', to: 'saving', action: 'upload_started' },
      { at: at(10), from: 'saving', to: 'active', action: 'upload_finished' },
      { at: at(11), from: 'active', to: 'active', action: 'updated' },
    ],
    t0 + 30_000,
  );
  assert.deepEqual(spans.map((s) => [s.status, s.ms, s.current]), [
    ['queued', 2000, false],
    ['saving', 3000, false],
    ['queued', 4000, false],
    ['saving', 1000, false],
    ['active', 20_000, true],
  ]);
  assert.deepEqual(spans[1].failure, { action: 'upload_failed', reason: 'Upload the file again.' });
  assert.equal(spans.filter((s) => s.failure).length, 1);
  assert.deepEqual([...timePerState(spans)], [['queued', 6000], ['saving', 4000], ['active', 20_000]]);
  assert.deepEqual(stateSpans([], t0), []);
});
