// Which store a location is in, as Glance shows it in an image's `stores` and
// matches it in DELETE /v2/stores/{id}/{image}: the enabled store its metadata
// names, else the store whose URI prefix it has (Glance's
// update_store_in_locations for locations written before enabled_backends),
// else the name it carries.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig } from '../../lib/config';
import { StoreSet } from '../../lib/stores';

for (const name of ['DATABASE_URL', 'GLANCE_CONFIG_FILE']) delete process.env[name];

const multi = new StoreSet(
  parseConfig(
    '[DEFAULT]\nenabled_backends = fast:file, slow:file\n[glance_store]\ndefault_backend = fast\n' +
      '[fast]\nfilesystem_store_datadir = /srv/fast\n[slow]\nfilesystem_store_datadirs = /srv/slow-a:10\nfilesystem_store_datadirs = /srv/slow-b\n',
    null,
    '/srv',
  ).stores,
);

test('the enabled store named in the metadata', () => {
  assert.equal(multi.locationStoreId('file:///srv/slow-b/i1', '{"store": "slow"}'), 'slow');
  // The name wins even where the URI says otherwise, as Glance keeps a known store id.
  assert.equal(multi.locationStoreId('file:///srv/fast/i1', '{"store": "slow"}'), 'slow');
});

test('a location without a store (single-store era) is the store whose directory holds it', () => {
  assert.equal(multi.locationStoreId('file:///srv/slow-a/i1', '{}'), 'slow');
  assert.equal(multi.locationStoreId('file:///srv/fast/i1', null), 'fast');
  assert.equal(multi.locationStoreId('file:///srv/fast/i1', 'not json'), 'fast');
});

test('a store no longer enabled: the URI owner if any, else the old name; nothing known: none', () => {
  assert.equal(multi.locationStoreId('file:///srv/fast/i1', '{"store": "gone"}'), 'fast');
  assert.equal(multi.locationStoreId('file:///elsewhere/i1', '{"store": "gone"}'), 'gone');
  assert.equal(multi.locationStoreId('file:///elsewhere/i1', '{}'), null);
  assert.equal(multi.locationStoreId('s3://host/bucket/i1', '{}'), null);
});

test('a file location in a subdirectory of a store directory is not that store\'s', () => {
  assert.equal(multi.locationStoreId('file:///srv/fast/sub/i1', '{}'), null);
});

test('a new location\'s meta_data is what Glance writes: {"store": id} (json.dumps spacing) with enabled_backends, {} without', () => {
  assert.equal(multi.locationMetadata('slow'), '{"store": "slow"}');
  const single = new StoreSet(parseConfig('[glance_store]\nfilesystem_store_datadir = /srv/images\n', null, '/srv').stores);
  assert.equal(single.locationMetadata('file'), '{}');
});
