// Range headers on GET /v2/images/{id}/file, read as Glance reads them
// (wsgi.Request.get_range_from_request over webob's Range.parse, then the
// offsets image_data.ResponseSerializer.download computes).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GlanceError } from '../../lib/errors';
import { errorResponse } from '../../lib/http/respond';
import { parseRange } from '../../lib/images/upload-download';
import { recordedCalls } from '../helpers/recorded-requests';

type Outcome = { contentRange: string } | { status: number; detail: string };

function outcome(header: string, size: number): Outcome {
  try {
    const r = parseRange(header, size);
    assert.ok(r, 'a Range header always gives a range or an error');
    return { contentRange: `bytes ${r.start}-${r.end}/${size}` };
  } catch (err) {
    if (!(err instanceof GlanceError)) throw err;
    return { status: err.status, detail: err.body() };
  }
}

const MULTI = 'Requests with multiple ranges are not supported in Glance. You may make multiple single-range requests instead.';
const startPast = (last: number) => `Invalid start position in Range header. Start position MUST be in the inclusive range [0, ${last}].`;

// What Glance 25.1's serializer answered for each header and image size
// (its Content-Range; the length sent is end - start + 1), or its error.
const GLANCE: [string, number, { contentRange: string } | { status: number; detail: string }][] = [
  ['bytes=0-0', 10, { contentRange: 'bytes 0-0/10' }],
  ['bytes=9-9', 10, { contentRange: 'bytes 9-9/10' }],
  ['bytes=9-', 10, { contentRange: 'bytes 9-9/10' }],
  ['bytes=0-9', 10, { contentRange: 'bytes 0-9/10' }],
  // The end is capped at the image's last byte.
  ['bytes=0-10', 10, { contentRange: 'bytes 0-9/10' }],
  ['bytes=3-1000', 10, { contentRange: 'bytes 3-9/10' }],
  // Suffix ranges: the last N bytes; longer than the image (or -0) is the whole image.
  ['bytes=-1', 10, { contentRange: 'bytes 9-9/10' }],
  ['bytes=-9', 10, { contentRange: 'bytes 1-9/10' }],
  ['bytes=-10', 10, { contentRange: 'bytes 0-9/10' }],
  ['bytes=-11', 10, { contentRange: 'bytes 0-9/10' }],
  ['bytes=-0', 10, { contentRange: 'bytes 0-9/10' }],
  ['BYTES=0-1', 10, { contentRange: 'bytes 0-1/10' }],
  ['bytes = 0-1', 10, { contentRange: 'bytes 0-1/10' }],
  ['bytes=00-01', 10, { contentRange: 'bytes 0-1/10' }],
  ['bytes=10-', 10, { status: 416, detail: startPast(9) }],
  ['bytes=1-1', 1, { status: 416, detail: startPast(0) }],
  ['bytes=5-4', 10, { status: 416, detail: 'Invalid Range header.' }],
  ['bytes=', 10, { status: 416, detail: 'Invalid Range header.' }],
  ['bytes=a-b', 10, { status: 416, detail: 'Invalid Range header.' }],
  ['bytes=+1-2', 10, { status: 416, detail: 'Invalid Range header.' }],
  ['items=0-1', 10, { status: 416, detail: 'Invalid Range header.' }],
  ['0-1', 10, { status: 416, detail: 'Invalid Range header.' }],
  ['bytes=0-1,', 10, { status: 400, detail: MULTI }],
  ['bytes=0-1,5-6', 10, { status: 400, detail: MULTI }],
];

for (const [header, size, want] of GLANCE) {
  test(`Range: ${header} on ${size} bytes: as Glance`, () => {
    const got = outcome(header, size);
    if ('contentRange' in want) assert.deepEqual(got, want);
    else {
      assert.ok('status' in got, `expected ${want.status}, got ${JSON.stringify(got)}`);
      assert.equal(got.status, want.status);
      assert.ok(got.detail.includes(want.detail), got.detail);
    }
  });
}

test('no Range header: the whole image (no partial content)', () => {
  assert.equal(parseRange(null, 10), null);
  assert.equal(parseRange('', 10), null);
});

test('"bytes=-" is a 416 (Glance fails with a 500 on it)', () => {
  assert.deepEqual(outcome('bytes=-', 10), { status: 416, detail: 'The Range requested is not available.<br /><br />\nInvalid Range header.\n\n' });
});

test('offsets beyond 2^32 stay exact', () => {
  const size = 5 * 2 ** 40;
  assert.deepEqual(outcome(`bytes=${2 ** 33}-`, size), { contentRange: `bytes ${2 ** 33}-${size - 1}/${size}` });
  assert.deepEqual(outcome('bytes=-1', size), { contentRange: `bytes ${size - 1}-${size - 1}/${size}` });
});

// The recorded downloads of the 1 MiB payload: Content-Range and
// Content-Length of the 206s, and the exact bodies of the refusals.
test('the transcript holds the recorded Range requests', () => {
  const ranged = [...recordedCalls('05-download.txt').values()].filter((c) => c.request.headers.range);
  assert.deepEqual(ranged.map((c) => c.status).sort(), [206, 206, 206, 400, 416]);
});

for (const [title, call] of recordedCalls('05-download.txt')) {
  const range = call.request.headers.range;
  if (!range) continue;
  test(`05-download.txt: ${title}`, async () => {
    const size = 1048576;
    if (call.status === 206) {
      const r = parseRange(range, size)!;
      assert.equal(`bytes ${r.start}-${r.end}/${size}`, call.response.headers['content-range']);
      assert.equal(String(r.end - r.start + 1), call.response.headers['content-length']);
      return;
    }
    assert.throws(() => parseRange(range, size), GlanceError);
    try {
      parseRange(range, size);
    } catch (err) {
      const res = errorResponse(err as GlanceError, call.request.headers.accept);
      assert.equal(res.status, call.status);
      assert.equal(await res.text(), call.response.body);
    }
  });
}
