// The console's reading of import tasks: a GET /v2/images/{id}/tasks row as
// a timeline entry (method, masked source, stores, UTC times), raw store
// errors replaced by a plain text while Glance's own refusals stay, and a
// task's steps on the timeline.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { importTaskEntry, publicTaskMessage } from '../../lib/console/import-tasks';
import { importRunning, storeList, taskSteps, taskSummary } from '../../lib/console/import-timeline';
import { mergeTimeline } from '../../components/console/timeline';

const row = (over: Record<string, unknown> = {}) => ({
  id: 'a1b2c3d4-0000-4000-8000-000000000001',
  type: 'import',
  status: 'failure',
  created_at: '2026-12-01T13:00:00.000000',
  updated_at: '2026-12-01T13:00:02.000000',
  input: { image_id: 'img', import_req: { method: { name: 'web-download', uri: 'http://user:secret@example.com:8080/disk.qcow2' } }, backend: ['fast', null] },
  message: 'HTTP Error 404: Not Found',
  ...over,
});

test('a task row as an entry: method, source without its password, named stores, times as UTC', () => {
  const e = importTaskEntry(row());
  assert.deepEqual(e, {
    id: 'a1b2c3d4-0000-4000-8000-000000000001',
    status: 'failure',
    method: 'web-download',
    uri: 'http://user:***@example.com:8080/disk.qcow2',
    stores: ['fast'],
    message: 'HTTP Error 404: Not Found',
    createdAt: '2026-12-01T13:00:00.000Z',
    updatedAt: '2026-12-01T13:00:02.000Z',
  });
  assert.equal(taskSummary(e), 'web-download from http://user:***@example.com:8080/disk.qcow2 to store fast');
  assert.equal(importTaskEntry(row({ status: 'weird', message: null, updated_at: null })).status, 'pending');
});

test("Glance's own words stay; errno codes and file paths become a text that says what to do", () => {
  assert.equal(publicTaskMessage('URI for web-download does not pass filtering: http://127.0.0.1/x'), 'URI for web-download does not pass filtering: http://127.0.0.1/x');
  assert.equal(publicTaskMessage('Redirect to disallowed URL: http://localhost:80/data'), 'Redirect to disallowed URL: http://localhost:80/data');
  assert.equal(publicTaskMessage('Copied 3 MiB'), 'Copied 3 MiB');
  assert.equal(publicTaskMessage(null), null);
  const raw = publicTaskMessage("ENOSPC: no space left on device, write '/srv/glance/images/abc'");
  assert.doesNotMatch(raw!, /ENOSPC|\/srv/);
  assert.match(raw!, /ran out of space/);
  assert.doesNotMatch(publicTaskMessage('open /var/lib/glance/staging/x failed')!, /\/var/);
});

test("a task's steps: created with its summary, then its current status with the message", () => {
  const failed = importTaskEntry(row());
  assert.deepEqual(taskSteps(failed).map((s) => [s.action, s.detail]), [
    ['task_created', 'web-download from http://user:***@example.com:8080/disk.qcow2 to store fast'],
    ['task_failure', 'HTTP Error 404: Not Found'],
  ]);
  assert.deepEqual(taskSteps(importTaskEntry(row({ status: 'pending' }))).map((s) => s.action), ['task_created']);
  assert.deepEqual(taskSteps(importTaskEntry(row({ status: 'processing', message: 'Copied 1 MiB' }))).map((s) => s.action), ['task_created', 'task_processing']);
});

test('an import runs while a task is pending or processing, or stores are still being written to', () => {
  const t = (status: string) => importTaskEntry(row({ status }));
  assert.equal(importRunning([t('success'), t('processing')], ''), true);
  assert.equal(importRunning([t('pending')], undefined), true);
  assert.equal(importRunning([t('success'), t('failure')], ''), false);
  assert.equal(importRunning([], 'bulk'), true);
  assert.deepEqual(storeList(' fast, bulk ,'), ['fast', 'bulk']);
  assert.deepEqual(storeList(undefined), []);
});

test('the timeline in the order an import runs, though task rows keep whole seconds', () => {
  const ev = (id: string, action: string, at: string) => ({ id, action, from: null, to: null, reason: null, at });
  const task = importTaskEntry(row({ status: 'success', message: 'Copied 3 MiB', created_at: '2026-12-01T13:00:00.000000', updated_at: '2026-12-01T13:00:00.000000' }));
  const items = mergeTimeline(
    [ev('1', 'created', '2026-12-01T13:00:00.200Z'), ev('2', 'import_started', '2026-12-01T13:00:00.400Z'), ev('3', 'imported', '2026-12-01T13:00:00.900Z')],
    [task],
  );
  assert.deepEqual(items.map((i) => (i.kind === 'event' ? i.e.action : i.s.action)), ['created', 'task_created', 'import_started', 'imported', 'task_success']);
});

test("web-download's failures keep Glance's words on the timeline; anything else still becomes a plain text", async () => {
  const { publicFailureReason } = await import('../../lib/images/failure-reasons');
  for (const raw of [
    'HTTP Error 404: Not Found',
    'Redirect to disallowed URL: http://localhost:8080/data',
    'URI for web-download does not pass filtering: http://169.254.169.254/',
    'web-download of http://example.com/x failed: connection refused',
    'web-download of http://example.com/x: no answer within 60 s',
  ]) assert.equal(publicFailureReason(raw), raw);
  assert.doesNotMatch(publicFailureReason("ENOENT: no such file or directory, open '/srv/x'")!, /ENOENT|\/srv/);
  assert.doesNotMatch(publicFailureReason('HTTP Errors everywhere in /srv/x')!, /\/srv/);
});
