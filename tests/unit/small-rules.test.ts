// Small pure rules: the versions document (byte for byte as Glance sends
// it), Keystone's default implied roles, and DATABASE_URL as pool settings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pyJson } from '../../lib/http/py-json';
import { withImplied } from '../../lib/identity/roles';
import { databaseName, poolConfigFromUrl } from '../../lib/db/url';
import { versionsDocument } from '../../lib/versions';
import { REFERENCE_DIR } from '../helpers/reference';

// The one-line bodies as recorded (their Content-Length counts the address before it was rewritten to controller:9292).
const recordedVersionBodies = readFileSync(path.join(REFERENCE_DIR, '01-versions.txt'), 'utf8')
  .split('\n')
  .filter((line) => line.startsWith('{"versions": '));

test('versions document: byte for byte the body of GET /, /versions and an unknown version', () => {
  assert.equal(recordedVersionBodies.length, 3);
  // Glance writes hrefs from the Host header: http://controller:9292 in the recordings.
  for (const body of recordedVersionBodies) assert.equal(pyJson(versionsDocument('http://controller:9292')), body);
});

test('implied roles: admin ⊃ member ⊃ reader, each once, assigned ones first', () => {
  assert.deepEqual(withImplied(['admin']), ['admin', 'member', 'reader']);
  assert.deepEqual(withImplied(['member']), ['member', 'reader']);
  assert.deepEqual(withImplied(['reader']), ['reader']);
  assert.deepEqual(withImplied(['reader', 'admin']), ['reader', 'admin', 'member']);
  assert.deepEqual(withImplied(['member', 'admin', 'member']), ['member', 'reader', 'admin']);
  assert.deepEqual(withImplied(['operator']), ['operator']);
  assert.deepEqual(withImplied([]), []);
});

test('DATABASE_URL: TCP and unix-socket forms, escaped credentials, defaults', () => {
  const tcp = poolConfigFromUrl('mysql://gl%40nce:p%2Fw@db.example:3307/glance_db?connection_limit=4');
  assert.equal(tcp.host, 'db.example');
  assert.equal(tcp.port, 3307);
  assert.equal(tcp.user, 'gl@nce');
  assert.equal(tcp.password, 'p/w');
  assert.equal(tcp.database, 'glance_db');
  assert.equal(tcp.connectionLimit, 4);
  assert.equal(tcp.socketPath, undefined);
  // DATETIME columns hold UTC: the driver must not shift them.
  assert.equal(tcp.timezone, 'Z');
  const socket = poolConfigFromUrl('mariadb://root@localhost/glance?socket=/srv/db/mysqld.sock');
  assert.equal(socket.socketPath, '/srv/db/mysqld.sock');
  assert.equal(socket.port, 3306);
  assert.equal(socket.password, '');
  assert.equal(socket.connectionLimit, 10);
  assert.equal(poolConfigFromUrl('mysql://localhost/x', { connectionLimit: 1 }).connectionLimit, 1);
  assert.throws(() => poolConfigFromUrl('postgres://localhost/glance'), /DATABASE_URL must be mysql:\/\//);
  assert.equal(databaseName('mysql://u@h/glance_test'), 'glance_test');
  assert.equal(databaseName('mysql://u@h'), 'glance');
});
