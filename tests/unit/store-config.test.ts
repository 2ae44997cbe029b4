// Multi-store configuration as glance_store reads it: enabled_backends with
// one section per id, default_backend, the s3 options, and start-up errors
// that name the section and key. Single-store files keep their meaning.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, parseConfig } from '../../lib/config';

for (const name of ['DATABASE_URL', 'GLANCE_CONFIG_FILE']) delete process.env[name];

const parse = (text: string) => parseConfig(text, null, '/srv/glance');

function refusal(text: string): string {
  try {
    parse(text);
  } catch (err) {
    assert.ok(err instanceof ConfigError, `not a ConfigError: ${err}`);
    return err.message;
  }
  assert.fail('the configuration was accepted');
}

const S3 = 's3_store_host = http://127.0.0.1:7480\ns3_store_access_key = AK\ns3_store_secret_key = SK\ns3_store_bucket = glance\n';
const TWO = `[DEFAULT]\nenabled_backends = fast:file, ceph:s3\n[glance_store]\ndefault_backend = fast\n[fast]\nfilesystem_store_datadir = /srv/fast\nstore_description = Fast local disk\nweight = 5\n[ceph]\n${S3}`;

test('without enabled_backends: one file store, no ids, the old options', () => {
  const c = parse('[glance_store]\nfilesystem_store_datadirs = /a:1\nfilesystem_store_datadirs = /b\n');
  assert.equal(c.stores.multiStore, false);
  assert.equal(c.stores.defaultBackend, 'file');
  assert.deepEqual(c.stores.backends.map((b) => [b.id, b.type, b.section]), [['file', 'file', 'glance_store']]);
  assert.deepEqual(c.storeDirs, [{ path: '/a', priority: 1 }, { path: '/b', priority: 0 }]);
});

test('enabled_backends: one backend per id, with its section, description, weight and options', () => {
  const c = parse(TWO);
  assert.equal(c.stores.multiStore, true);
  assert.equal(c.stores.defaultBackend, 'fast');
  const [fast, ceph] = c.stores.backends;
  assert.deepEqual([fast.id, fast.type, fast.description, fast.weight], ['fast', 'file', 'Fast local disk', 5]);
  assert.deepEqual(fast.file?.dirs, [{ path: '/srv/fast', priority: 0 }]);
  assert.deepEqual([ceph.id, ceph.type, ceph.description, ceph.weight], ['ceph', 's3', null, 0]);
  assert.deepEqual(ceph.s3, {
    host: 'http://127.0.0.1:7480', regionName: null, accessKey: 'AK', secretKey: 'SK', bucket: 'glance',
    createBucketOnPut: false, bucketUrlFormat: 'auto', largeObjectSize: 100, largeObjectChunkSize: 10, threadPools: 10, cacert: null,
  });
  assert.deepEqual(c.storeDirs, [{ path: '/srv/fast', priority: 0 }]);
});

test('a file backend without a directory gets its own under data_dir', () => {
  const c = parse('[DEFAULT]\nenabled_backends = a:file, b:file\n[glance_store]\ndefault_backend = b\n');
  assert.deepEqual(c.storeDirs.map((d) => d.path), ['/srv/glance/data/images/a', '/srv/glance/data/images/b']);
});

test('bad multi-store configuration names the section and key', () => {
  assert.match(refusal('[DEFAULT]\nenabled_backends = fast:nfs\n[glance_store]\ndefault_backend = fast\n'), /^\[DEFAULT\] enabled_backends: store type "nfs" of "fast"/);
  assert.match(refusal('[DEFAULT]\nenabled_backends = fast\n'), /^\[DEFAULT\] enabled_backends: "fast" is not of the form id:type/);
  assert.equal(refusal('[DEFAULT]\nenabled_backends = fast:file\n'), '[glance_store] default_backend is required when [DEFAULT] enabled_backends is set');
  assert.equal(refusal('[DEFAULT]\nenabled_backends = fast:file\n[glance_store]\ndefault_backend = ceph\n'), '[glance_store] default_backend "ceph" is not one of enabled_backends (fast)');
  assert.equal(refusal('[DEFAULT]\nenabled_backends = a:file, a:s3\n[glance_store]\ndefault_backend = a\n'), '[DEFAULT] enabled_backends: "a" is listed twice');
  assert.equal(refusal(TWO.replace('s3_store_bucket = glance\n', '')), '[ceph] s3_store_bucket is required for an s3 store');
  assert.equal(refusal(TWO.replace('s3_store_host = http://127.0.0.1:7480\n', '')), '[ceph] s3_store_host is required for an s3 store');
  assert.equal(refusal(`${TWO}s3_store_bucket_url_format = sideways\n`), '[ceph] s3_store_bucket_url_format must be one of auto, virtual, path, got "sideways"');
  assert.equal(refusal(`${TWO}s3_store_large_object_chunk_size = 1\n`), '[ceph] s3_store_large_object_chunk_size must be at least 5 (MB), got "1"');
  assert.equal(refusal(`${TWO}s3_store_thread_pools = 0\n`), '[ceph] s3_store_thread_pools must be at least 1, got "0"');
  assert.equal(refusal(`${TWO}s3_store_create_bucket_on_put = maybe\n`), '[ceph] s3_store_create_bucket_on_put must be true or false, got "maybe"');
  assert.equal(refusal(TWO.replace('weight = 5', 'weight = heavy')), '[fast] weight must be an integer, got "heavy"');
  assert.match(refusal('[DEFAULT]\nenabled_backends = a:file, b:file\n[glance_store]\ndefault_backend = a\n[a]\nfilesystem_store_datadir = /x\n[b]\nfilesystem_store_datadir = /x\n'), /directory \/x is used by two file stores/);
  assert.match(refusal('[DEFAULT]\nenabled_backends = os_glance_staging_store:file\n[glance_store]\ndefault_backend = os_glance_staging_store\n'), /reserved/);
});

test('single-store s3: default_store = s3 reads the s3 options from [glance_store]', () => {
  const c = parse(`[glance_store]\ndefault_store = s3\n${S3}s3_store_bucket_url_format = path\n`);
  assert.equal(c.stores.multiStore, false);
  assert.equal(c.stores.backends[0].s3?.bucketUrlFormat, 'path');
  assert.deepEqual(c.storeDirs, []);
  assert.equal(refusal('[glance_store]\ndefault_store = rbd\n'), '[glance_store] default_store "rbd" is not one of file, s3');
});
