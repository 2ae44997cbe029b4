// The console's project-name cache: one lookup per page for the ids not seen
// lately, unknown ids remembered as unknown (the caller shows the id), the TTL kept.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { projectNameCache } from '../../lib/identity/project-name-cache';

function directory(known: Record<string, string>) {
  const calls: string[][] = [];
  const load = async (ids: string[]) => {
    calls.push([...ids].sort());
    return new Map(ids.filter((id) => id in known).map((id) => [id, known[id]]));
  };
  return { calls, load };
}

test('a page of ids costs one lookup; known names returned, unknown ids left out', async () => {
  const dir = directory({ p1: 'project-a', p2: 'project-b' });
  let t = 0;
  const names = projectNameCache(dir.load, 30_000, () => t);
  assert.deepEqual(await names(['p1', 'p2', 'p1', 'gone', null, undefined, '']), { p1: 'project-a', p2: 'project-b' });
  assert.deepEqual(dir.calls, [['gone', 'p1', 'p2']]);
  // Within the TTL nothing is looked up again, the unknown id included.
  t = 29_999;
  assert.deepEqual(await names(['p2', 'gone']), { p2: 'project-b' });
  assert.equal(dir.calls.length, 1);
  // A new id alone is looked up; after the TTL the old ones are asked again (a rename or delete shows).
  assert.deepEqual(await names(['p1', 'p3']), { p1: 'project-a' });
  assert.deepEqual(dir.calls[1], ['p3']);
  t = 30_000;
  await names(['p1']);
  assert.deepEqual(dir.calls[2], ['p1']);
});

test('no ids, no lookup', async () => {
  const dir = directory({});
  const names = projectNameCache(dir.load);
  assert.deepEqual(await names([]), {});
  assert.deepEqual(dir.calls, []);
});
