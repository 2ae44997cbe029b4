// IngestPipeline (lib/stores/ingest.ts) with its hash worker threads: digests
// of data crossing slot boundaries match node:crypto's; the two worker threads
// end after a quiet spell (an idle server does not keep their ~20 MiB) and the
// next upload starts new ones.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { IngestPipeline } from '../../lib/stores/ingest';

const threads = () => readdirSync('/proc/self/task').length;

async function hashThrough(data: Buffer): Promise<{ checksum: string; osHashValue: string }> {
  const p = new IngestPipeline(null);
  for (let at = 0; at < data.length; at += 65536 + 17) {
    const wait = p.push(data.subarray(at, Math.min(data.length, at + 65536 + 17)));
    if (wait) await wait;
  }
  return p.finish();
}

test('digests across slots; the worker threads end when idle and come back for the next upload', { timeout: 60_000 }, async () => {
  const before = threads();
  const data = randomBytes(9 * 1048576 + 5);
  const want = { md5: createHash('md5').update(data).digest('hex'), sha512: createHash('sha512').update(data).digest('hex') };
  const first = await hashThrough(data);
  assert.equal(first.checksum, want.md5);
  assert.equal(first.osHashValue, want.sha512);
  const working = threads();
  assert.ok(working >= before + 2, `two hash threads started (${before} -> ${working} threads)`);
  await new Promise((r) => setTimeout(r, 11_000));
  const idle = threads();
  assert.ok(idle <= working - 2, `the hash threads ended after a quiet spell (${working} -> ${idle} threads)`);
  const again = await hashThrough(data);
  assert.equal(again.checksum, want.md5);
  assert.equal(again.osHashValue, want.sha512);
});
