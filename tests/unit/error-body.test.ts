// Glance's error bodies (webob's error page in HTML, JSON or plain text) and
// JSON bodies, byte for byte: recorded real-Glance responses where the
// transcripts have them, else what webob 1.8 itself renders for the same exception.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BadRequest, Conflict, Forbidden, GlanceError, MethodNotAllowed, NotFound } from '../../lib/errors';
import { errorResponse, json, noContent } from '../../lib/http/respond';
import { readTranscript } from '../helpers/reference';

// The server frames a complete body with its byte length (http/length-framed-response.ts).
async function rendered(res: Response) {
  const body = await res.text();
  return { status: res.status, type: res.headers.get('content-type'), body, length: String(Buffer.byteLength(body)) };
}

const unknownId = readTranscript('20-error-404-unknown-id.txt');
const misc = readTranscript('28-error-misc.txt');
const ID = '00000000-0000-0000-0000-000000000000';

test('404 for an unknown id: the HTML page Glance sends to curl (Accept: */*), with its Content-Length', async () => {
  const want = unknownId.get('GET unknown id')!;
  const got = await rendered(errorResponse(new NotFound(`No image found with ID ${ID}`), '*/*'));
  assert.equal(got.status, 404);
  assert.equal(got.type, want.headers['content-type']);
  assert.equal(got.body, want.body);
  assert.equal(got.length, want.headers['content-length']);
});

test('404 with Accept: application/json: the JSON body with the HTML line breaks leaked into the message', async () => {
  const want = unknownId.get('GET unknown id with Accept: application/json')!;
  const got = await rendered(errorResponse(new NotFound(`No image found with ID ${ID}`), 'application/json'));
  assert.equal(got.type, 'application/json');
  assert.equal(got.body, want.body);
  assert.equal(got.length, want.headers['content-length']);
});

test('the default explanation of a 404 (unknown /v2 path)', async () => {
  const want = misc.get('GET /v2/nonexistent')!;
  assert.equal((await rendered(errorResponse(new NotFound(), '*/*'))).body, want.body);
});

test('405 carries Allow and webob\'s shorter tail', async () => {
  const want = misc.get('POST /v2/images/ID (method not allowed)')!;
  const res = errorResponse(new MethodNotAllowed('POST', ['GET', 'PATCH', 'DELETE']), '*/*');
  assert.equal(res.status, 405);
  assert.equal(res.headers.get('allow'), want.headers.allow);
  assert.equal(await res.text(), want.body);
});

test('plain text when neither HTML nor JSON is acceptable (webob strips the tags)', async () => {
  const got = await rendered(errorResponse(new NotFound('No image found with ID 0000'), 'text/plain'));
  assert.equal(got.type, 'text/plain; charset=UTF-8');
  assert.equal(got.body, '404 Not Found\n\nNo image found with ID 0000\n\n   ');
  // No Accept header at all is an empty one for webob: plain text too.
  assert.equal((await rendered(errorResponse(new Conflict('Image ID 1 already exists!'), null))).body, '409 Conflict\n\nImage ID 1 already exists!\n\n   ');
});

test('request-supplied text is escaped in HTML, left alone in JSON and stripped of tags in plain text', async () => {
  const err = () => new BadRequest('Invalid sort key: <b>x</b> & "y"');
  assert.equal(
    (await rendered(errorResponse(err(), '*/*'))).body,
    '<html>\n <head>\n  <title>400 Bad Request</title>\n </head>\n <body>\n  <h1>400 Bad Request</h1>\n  Invalid sort key: &lt;b&gt;x&lt;/b&gt; &amp; &quot;y&quot;<br /><br />\n\n\n\n </body>\n</html>',
  );
  assert.equal(
    (await rendered(errorResponse(err(), 'application/json'))).body,
    '{"message": "Invalid sort key: <b>x</b> & \\"y\\"<br /><br />\\n\\n\\n", "code": "400 Bad Request", "title": "Bad Request"}',
  );
  assert.equal((await rendered(errorResponse(err(), 'text/plain'))).body, '400 Bad Request\n\nInvalid sort key: x & "y"\n\n   ');
});

test("Glance's HTTPForbidden(detail): default explanation, then the detail, in all three formats", async () => {
  const err = () => GlanceError.withDetail(new Forbidden(), "Owner can't be updated by non admin.");
  assert.equal(
    (await rendered(errorResponse(err(), '*/*'))).body,
    "<html>\n <head>\n  <title>403 Forbidden</title>\n </head>\n <body>\n  <h1>403 Forbidden</h1>\n  Access was denied to this resource.<br /><br />\nOwner can&#x27;t be updated by non admin.\n\n\n </body>\n</html>",
  );
  assert.equal(
    (await rendered(errorResponse(err(), 'application/json'))).body,
    '{"message": "Access was denied to this resource.<br /><br />\\nOwner can\'t be updated by non admin.\\n\\n", "code": "403 Forbidden", "title": "Forbidden"}',
  );
  assert.equal((await rendered(errorResponse(err(), 'text/plain'))).body, "403 Forbidden\n\nAccess was denied to this resource.\n\n Owner can't be updated by non admin.  ");
});

test('the declared length counts bytes, not characters', async () => {
  const got = await rendered(errorResponse(new BadRequest('nom invalide: é€😀'), 'application/json'));
  assert.equal(Number(got.length), Buffer.byteLength(got.body));
  // Python's json.dumps escapes non-ASCII (astral characters as surrogate pairs).
  assert.match(got.body, /nom invalide: \\u00e9\\u20ac\\ud83d\\ude00/);
});

test("json() writes Python's json.dumps: the empty list as Glance sends it, byte for byte", async () => {
  const want = readTranscript('02-list-empty.txt').get('GET /v2/images (no images)')!;
  const res = json({ images: [], first: '/v2/images', schema: '/v2/schemas/images' });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), want.headers['content-type']);
  const body = await res.text();
  assert.equal(body, want.body);
  assert.equal(String(Buffer.byteLength(body)), want.headers['content-length']);
});

test('json() leaves out undefined members and keeps null ones, with a custom status and headers', async () => {
  const res = json({ a: undefined, b: null, c: [1, true, 'x'] }, 201, { Location: 'http://h/v2/images/1' });
  assert.equal(res.status, 201);
  assert.equal(res.headers.get('location'), 'http://h/v2/images/1');
  assert.equal(await res.text(), '{"b": null, "c": [1, true, "x"]}');
});

test('204 answers carry no body and the Content-Type Glance gives them', async () => {
  const res = noContent();
  assert.equal(res.status, 204);
  assert.equal(res.headers.get('content-type'), 'text/html; charset=UTF-8');
  assert.equal(await res.text(), '');
});
