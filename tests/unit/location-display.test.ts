// Location URIs shown in the console: credentials never, everything else as stored.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withoutCredentials } from '../../lib/stores/location-display';

test('user-info of a location URI is masked; the rest stays', () => {
  assert.equal(withoutCredentials('s3://AKIA:secret@rgw.example:7480/glance/1b2c'), 's3://***@rgw.example:7480/glance/1b2c');
  assert.equal(withoutCredentials('s3+https://AK:se@cret@host/bucket/id'), 's3+https://***@host/bucket/id');
  assert.equal(withoutCredentials('swift+https://tenant%3Auser:key@keystone/v3/container/id'), 'swift+https://***@keystone/v3/container/id');
  assert.equal(withoutCredentials('http://user:pw@example.com/images/a@b'), 'http://***@example.com/images/a@b');
});

test('an AWS secret with a slash is masked whole, as glance_store parses s3 URIs (up to the last @)', () => {
  const uri = 's3://AKIA:abc/def+ghi@rgw:7480/glance/id';
  assert.equal(withoutCredentials(uri), 's3://***@rgw:7480/glance/id');
  assert.ok(!withoutCredentials(uri).includes('def'));
});

test('URIs without user-info are unchanged, an @ in a path included', () => {
  for (const uri of ['file:///srv/glance/images/id', 'file:///srv/a@b/id', 's3://rgw:7480/glance/id', 'http://example.com/a@b', 'rbd://fsid/pool/id/snap', 'not a uri']) {
    assert.equal(withoutCredentials(uri), uri);
  }
});
