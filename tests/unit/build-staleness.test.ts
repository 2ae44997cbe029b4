// npm start / npm test rebuild the app when a source of the build is newer than
// it: the Prisma schema included (its generated client is not looked at).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildIsStale } from '../../scripts/lib/server';

function tree(): { root: string; touch: (rel: string, secondsAgo: number, folders?: boolean) => void } {
  const root = mkdtempSync(path.join(os.tmpdir(), 'build-stale-'));
  const touch = (rel: string, secondsAgo: number, folders = true) => {
    const file = path.join(root, rel);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, rel);
    const t = Date.now() / 1000 - secondsAgo;
    utimesSync(file, t, t);
    // Its folders too (a new entry): a folder's own mtime counts. Rewriting a file leaves them as they were.
    if (folders) for (let p = path.dirname(file); p !== root; p = path.dirname(p)) utimesSync(p, t, t);
  };
  return { root, touch };
}

test('a build newer than every source is current; none at all is stale', () => {
  const { root, touch } = tree();
  try {
    touch('lib/a.ts', 100);
    touch('prisma/schema.prisma', 100);
    assert.equal(buildIsStale(root), true, 'no .next yet');
    touch('.next/BUILD_ID', 10);
    assert.equal(buildIsStale(root), false);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('a changed Prisma schema makes the build stale; a regenerated client alone does not', () => {
  const { root, touch } = tree();
  try {
    touch('lib/generated/prisma/client.ts', 100);
    touch('lib/a.ts', 100);
    touch('prisma/schema.prisma', 100);
    touch('.next/BUILD_ID', 50);
    touch('lib/generated/prisma/client.ts', 1, false);
    assert.equal(buildIsStale(root), false, 'lib/generated is not a source');
    touch('prisma/schema.prisma', 1);
    assert.equal(buildIsStale(root), true);
    touch('.next/BUILD_ID', 0);
    touch('lib/b.ts', -5);
    assert.equal(buildIsStale(root), true, 'a newer lib file');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
