// client_socket_timeout closes what the client leaves idle, never a connection
// whose client waits for the server's answer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { idleIsClientsDoing } from '../../lib/runtime/http-timeouts';

const state = (bodyReceived: boolean, responseEnded: boolean, responseBlocked: boolean) => ({ bodyReceived, responseEnded, responseBlocked });

test('between requests or while the headers arrive, an idle connection is closed', () => {
  assert.equal(idleIsClientsDoing(undefined), true);
});

test('a body that stops arriving is the client keeping us waiting', () => {
  assert.equal(idleIsClientsDoing(state(false, false, false)), true);
});

test('a response the client stops reading is the client keeping us waiting', () => {
  assert.equal(idleIsClientsDoing(state(true, false, true)), true);
  assert.equal(idleIsClientsDoing(state(true, true, false)), true);
});

test('a whole request whose answer the server is still working on is kept', () => {
  assert.equal(idleIsClientsDoing(state(true, false, false)), false);
});
