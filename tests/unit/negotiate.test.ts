// The error format Glance (webob's HTTPException) picks from the Accept
// header. Every expectation below is what webob 1.8 (Debian 12, the version
// Glance 25.1 runs on) answers for the same header: acceptable_offers over
// text/html and application/json, text/plain when neither is acceptable.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { errorFormat, type ErrorFormat } from '../../lib/http/negotiate';

const WEBOB: [string | null, ErrorFormat][] = [
  // webob reads a missing header as '' (an empty, valid list): nothing is acceptable.
  [null, 'plain'],
  ['', 'plain'],
  // curl's default, which is why Glance's recorded errors are HTML.
  ['*/*', 'html'],
  ['application/json', 'json'],
  ['text/html', 'html'],
  ['text/plain', 'plain'],
  ['image/png', 'plain'],
  ['text/*', 'html'],
  ['application/*', 'json'],
  ['TEXT/HTML', 'html'],
  ['Application/JSON', 'json'],
  // Equal quality: the first offer (text/html) wins whatever the header's order.
  ['application/json, text/html', 'html'],
  ['text/html;q=0.5, application/json', 'json'],
  ['application/json;q=0.5, text/html;q=0.9', 'html'],
  ['text/*;q=0.3, application/json;q=0.2', 'html'],
  ['application/json, */*;q=0.1', 'json'],
  ['text/plain, application/*;q=0.2', 'json'],
  ['application/json;Q=0.5, text/html;q=0.4', 'json'],
  ['application/json ; q=0.5 , text/plain', 'json'],
  ['application/json,', 'json'],
  // q=0 refuses; a more specific range overrides a wildcard.
  ['application/json;q=0', 'plain'],
  ['*/*;q=0', 'plain'],
  ['text/html;q=0, */*', 'json'],
  ['text/html;q=0, application/json;q=0, */*', 'plain'],
  ['text/html;q=0.3, text/*;q=0.9', 'html'],
  ['text/*;q=0.9, text/html;q=0.3, application/json;q=0.5', 'json'],
  ['text/html;q=0.001, application/json;q=0.0', 'html'],
  // Of two equally specific ranges the first counts.
  ['text/html;q=0.5, text/html;q=1', 'html'],
  ['text/html, text/html;q=0', 'html'],
  ['text/html;q=0, text/html', 'plain'],
  // q values outside RFC 7231's grammar make the whole header invalid, and an invalid header accepts everything.
  ['garbage', 'html'],
  ['application/json;q=2', 'html'],
  ['application/json;q=0.1234', 'html'],
  ['application/json;q=1.0001', 'html'],
  ['application/json;q=.5', 'html'],
  ['application/json;q="0.5"', 'html'],
  ['application/json; q = 0.5', 'html'],
  ['application/json;q=1.000', 'json'],
  // A range with media type parameters matches only an offer with the same parameters (ours have none)...
  ['text/html;level=1', 'plain'],
  ['application/json;charset=utf-8', 'plain'],
  ['application/json;foo=bar;q=0.5', 'plain'],
  ['text/html;level=1, application/json;q=0.1', 'json'],
  ['application/json;charset=utf-8, text/html;q=0.1', 'html'],
  // ...but parameters after q are extensions, and wildcards ignore parameters.
  ['application/json;q=0.5;foo=bar', 'json'],
  ['application/json;q=0.5 ;a=b, text/html;q=0.6', 'html'],
  ['application/json;q=0.5;q=0.3', 'json'],
  ['*/*;level=1', 'html'],
  ['text/*;a=b', 'html'],
];

for (const [accept, want] of WEBOB) {
  test(`Accept: ${JSON.stringify(accept)} gives the ${want} error page, as webob`, () => {
    assert.equal(errorFormat(accept), want);
  });
}
