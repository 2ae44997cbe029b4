// Password hashing (scrypt, self-describing storage format) and token
// hashing of the embedded identity service. Known answers come from
// Python's hashlib, an implementation independent of node:crypto. Full-cost
// scrypt runs are few on purpose: each one is meant to be slow.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hashPassword, verifyPassword } from '../../lib/identity/password';
import { hashToken } from '../../lib/identity/tokens';

// hashlib.scrypt(password.encode(), salt=bytes(range(16)), n=N, r=8, p=1, dklen=32), base64.
const SALT = 'AAECAwQFBgcICQoLDA0ODw==';
const PYTHON_N32768 = `scrypt$32768$8$1$${SALT}$XGYmKKxOsQaKKH4qoqICriSOmNsE1h0zJ+c0LbbscJc=`; // 'correct horse'
const PYTHON_N1024 = `scrypt$1024$8$1$${SALT}$nfkj3u1fRTHCea+fVr03sWV770kp5wLOLoEakziKhqE=`; // 'correct horse'
const PYTHON_CAFE_NFC = `scrypt$1024$8$1$${SALT}$K3Wch6euXtSADQ+a5P+o9y0vOy6xFcXxszOrBMXkK88=`; // 'caf\u00e9'

const stored = hashPassword('correct horse');

test('a stored hash names its scheme and cost, with a 16-byte salt and a 32-byte key', async () => {
  const [scheme, n, r, p, salt, key, ...rest] = (await stored).split('$');
  assert.deepEqual([scheme, n, r, p, rest.length], ['scrypt', '32768', '8', '1', 0]);
  assert.equal(Buffer.from(salt, 'base64').length, 16);
  assert.equal(Buffer.from(key, 'base64').length, 32);
  assert.ok(!(await stored).includes('correct horse'));
  // A fresh salt each time: the same password never gives the same hash.
  assert.notEqual(salt, SALT);
});

test('the right password verifies and a wrong one does not', async () => {
  assert.equal(await verifyPassword('correct horse', await stored), true);
  assert.equal(await verifyPassword('correct horsf', await stored), false);
});

test("hashes made elsewhere with the same parameters verify (Python's hashlib.scrypt)", async () => {
  assert.equal(await verifyPassword('correct horse', PYTHON_N32768), true);
});

test('the cost is read from the stored hash, so it can change without invalidating old hashes', async () => {
  assert.equal(await verifyPassword('correct horse', PYTHON_N1024), true);
  assert.equal(await verifyPassword('Correct horse', PYTHON_N1024), false);
  assert.equal(await verifyPassword('', PYTHON_N1024), false);
  // The same key under other parameters does not verify.
  assert.equal(await verifyPassword('correct horse', PYTHON_N1024.replace('$1024$', '$2048$')), false);
});

test('passwords are compared in Unicode NFC, so composed and decomposed forms are one password', async () => {
  assert.equal(await verifyPassword('caf\u00e9', PYTHON_CAFE_NFC), true);
  assert.equal(await verifyPassword('cafe\u0301', PYTHON_CAFE_NFC), true);
  assert.equal(await verifyPassword('cafe', PYTHON_CAFE_NFC), false);
});

test('no stored hash, or one in an unknown or broken format, never verifies', async () => {
  assert.equal(await verifyPassword('x', null), false);
  for (const bad of ['x', 'plain-text-password', `bcrypt$1024$8$1$${SALT}$abc`, `scrypt$1024$8$1$${SALT}`, `scrypt$1024$8$1$${SALT}$`]) {
    assert.equal(await verifyPassword('correct horse', bad), false, bad);
  }
  // A truncated key is refused instead of compared on its prefix.
  assert.equal(await verifyPassword('correct horse', PYTHON_N1024.slice(0, -8)), false);
});

test('tokens are stored as their SHA-256, in hex', () => {
  assert.equal(hashToken('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  assert.match(hashToken('another-token'), /^[0-9a-f]{64}$/);
  assert.notEqual(hashToken('a'), hashToken('b'));
});
