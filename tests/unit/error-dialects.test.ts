// The one error mapper (http/route.ts toErrorResponse): each dialect's body,
// status and headers for the errors routes meet, with no server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toErrorResponse } from '../../http/route';
import { GlanceError, NotFound, Unauthorized } from '../../lib/errors';
import { InvalidTransitionError } from '../../lib/images/state-machine';
import { KeystoneError } from '../../lib/identity/errors';

const ID = 'req-00000000-0000-0000-0000-000000000000';
const lostConnection = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:3306'), { code: 'ECONNREFUSED', syscall: 'connect' });
const where = { method: 'GET', url: 'http://localhost/v2/images' };

test('glance: a refused status change is a 409 in the format Accept asks for, with the request id', async () => {
  const res = toErrorResponse(new InvalidTransitionError('queued', 'deactivated'), 'glance', 'application/json', ID, where);
  assert.equal(res.status, 409);
  assert.equal(res.headers.get('x-openstack-request-id'), ID);
  assert.equal(res.headers.get('content-type'), 'application/json');
  const body = await res.json();
  assert.equal(body.code, '409 Conflict');
  assert.match(body.message, /transition from queued to deactivated is not allowed/);
});

test('glance: HTML for curl, and 401s carry no request id', async () => {
  const html = toErrorResponse(new NotFound(), 'glance', '*/*', ID, where);
  assert.equal(html.headers.get('content-type'), 'text/html; charset=UTF-8');
  assert.match(await html.text(), /<h1>404 Not Found<\/h1>/);
  const denied = toErrorResponse(new Unauthorized(), 'glance', 'application/json', ID, where);
  assert.equal(denied.status, 401);
  assert.equal(denied.headers.get('x-openstack-request-id'), null);
});

test('a database that cannot be reached is a 503 in every dialect', async () => {
  for (const dialect of ['glance', 'console', 'keystone'] as const) {
    const res = toErrorResponse(lostConnection, dialect, 'application/json', ID, where);
    assert.equal(res.status, 503, dialect);
    assert.equal(res.headers.get('x-openstack-request-id'), ID, dialect);
  }
});

test('console: always JSON, whatever Accept says', async () => {
  const res = toErrorResponse(new GlanceError(404, 'No image found with ID x'), 'console', 'text/html', ID, where);
  assert.equal(res.headers.get('content-type'), 'application/json');
  const body = await res.json();
  assert.equal(body.code, '404 Not Found');
  assert.match(body.message, /^No image found with ID x<br \/>/);
});

test("keystone: Keystone's JSON error, Vary: X-Auth-Token, and unexpected errors as its 500", async () => {
  const res = toErrorResponse(new KeystoneError(404, 'Could not find user: x.'), 'keystone', null, ID, where);
  assert.equal(res.status, 404);
  assert.equal(res.headers.get('vary'), 'X-Auth-Token');
  assert.equal(res.headers.get('x-openstack-request-id'), ID);
  assert.deepEqual(await res.json(), { error: { code: 404, message: 'Could not find user: x.', title: 'Not Found' } });
  const crash = toErrorResponse(new TypeError('boom'), 'keystone', null, ID, where);
  assert.equal(crash.status, 500);
  assert.equal((await crash.json()).error.title, 'Internal Server Error');
});
