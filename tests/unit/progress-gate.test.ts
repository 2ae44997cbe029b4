// The console's upload progress reaches React a few times a second, never less than the last byte.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PROGRESS_INTERVAL_MS, ProgressGate } from '../../components/console/progress-gate';

test('the first report passes, then at most one per interval, per upload', () => {
  const g = new ProgressGate();
  assert.equal(g.pass('a', 1000, false), true);
  assert.equal(g.pass('a', 1000 + PROGRESS_INTERVAL_MS - 1, false), false);
  assert.equal(g.pass('b', 1001, false), true); // another upload has its own pace
  assert.equal(g.pass('a', 1000 + PROGRESS_INTERVAL_MS, false), true);
  assert.equal(g.pass('a', 1000 + PROGRESS_INTERVAL_MS + 1, false), false);
});

test('the last byte always passes; after a reset the next report passes at once', () => {
  const g = new ProgressGate();
  assert.equal(g.pass('a', 1000, false), true);
  assert.equal(g.pass('a', 1001, true), true);
  assert.equal(g.pass('a', 1002, false), false);
  g.reset('a');
  assert.equal(g.pass('a', 1003, false), true);
});
