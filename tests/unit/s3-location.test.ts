// S3 location URIs and bucket addressing, checked against what glance_store
// 4.1 (Glance 25.1's) does: StoreLocation.get_uri/parse_uri, configure_add's
// scheme rule, _create_s3_client's endpoint and botocore's addressing style.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  buildLocation,
  endpointSettings,
  isDnsBucketName,
  parseLocation,
  sameService,
  sameTransport,
} from '../../lib/stores/s3/location';
import type { S3BackendConfig } from '../../lib/config';
import { configProblem } from '../../lib/stores/s3/options';

test('locations as glance_store writes them, without the credentials it puts before the host', () => {
  // glance_store wrote s3://ACCESS:SECRET@127.0.0.1:47480/gsref/img-1 for s3_store_host = http://127.0.0.1:47480.
  assert.equal(buildLocation('http://127.0.0.1:47480', 'gsref', 'img-1'), 's3://127.0.0.1:47480/gsref/img-1');
  // No scheme: http (Glance's full_s3_host), scheme s3.
  assert.equal(buildLocation('rgw.example.com:8080', 'images', 'k'), 's3://rgw.example.com:8080/images/k');
  assert.equal(buildLocation('https://s3.example.com/', 'images', 'k'), 's3+https://s3.example.com/images/k');
  // A service under a path keeps it.
  assert.equal(buildLocation('http://gw.example.com/rgw/', 'images', 'k'), 's3://gw.example.com/rgw/images/k');
});

test('parsing as StoreLocation.parse_uri: credentials dropped (a secret may hold a slash), service path kept', () => {
  assert.deepEqual(parseLocation('s3://127.0.0.1:47480/gsref/img-1'), { scheme: 's3', host: '127.0.0.1:47480', bucket: 'gsref', key: 'img-1' });
  // glance_store: s3://a:b/c@h:1/bk/key -> s3serviceurl h:1, bucket bk, key key, secret b/c
  assert.deepEqual(parseLocation('s3://a:b/c@h:1/bk/key'), { scheme: 's3', host: 'h:1', bucket: 'bk', key: 'key' });
  // glance_store: s3://a:b@h:1/path/bk/key -> s3serviceurl h:1/path
  assert.deepEqual(parseLocation('s3://a:b@h:1/path/bk/key'), { scheme: 's3', host: 'h:1/path', bucket: 'bk', key: 'key' });
  assert.deepEqual(parseLocation('s3+https://s3.example.com/images/k'), { scheme: 's3+https', host: 's3.example.com', bucket: 'images', key: 'k' });
  assert.deepEqual(parseLocation('s3+http://h/images/k'), { scheme: 's3+http', host: 'h', bucket: 'images', key: 'k' });
  // glance_store refuses: no service (BadStoreUri), credentials without ':' (BadStoreUri), two schemes.
  assert.equal(parseLocation('s3://h/bk'), null);
  assert.equal(parseLocation('s3://a@h/bk/k'), null);
  assert.equal(parseLocation('s3://a:b@https://s3.amazonaws.com/bucket/key'), null);
  assert.equal(parseLocation('swift://h/bk/k'), null);
  assert.equal(parseLocation('file:///var/lib/glance/images/k'), null);
  // Round trip.
  const uri = buildLocation('https://s3.example.com:8443', 'b-1', '0b4f2a1e-5e4f-4a55-9e1c-3f0a1b2c3d4e');
  const l = parseLocation(uri)!;
  assert.equal(buildLocation(`https://${l.host}`, l.bucket, l.key), uri);
});

test('one service: s3 and s3+http are both http; host names without case, ports and paths exactly', () => {
  assert.ok(sameTransport('s3', 's3+http'));
  assert.ok(!sameTransport('s3', 's3+https'));
  assert.ok(sameTransport('s3+https', 's3+https'));
  assert.ok(sameService('RGW.example.com:8080', 'rgw.example.com:8080'));
  assert.ok(!sameService('rgw.example.com:8080', 'rgw.example.com:8081'));
  assert.ok(!sameService('rgw.example.com', 'rgw.example.com:80'));
  assert.ok(!sameService('gw/rgw', 'gw/RGW'));
});

test('bucket addressing and region: what Glance hands boto3, and what botocore then does', () => {
  // Any non-Amazon host is an endpoint_url: botocore uses path style for auto.
  assert.deepEqual(endpointSettings('http://127.0.0.1:47480', null, 'auto'), { endpoint: 'http://127.0.0.1:47480', region: 'us-east-1', forcePathStyle: true });
  assert.deepEqual(endpointSettings('rgw.example.com', null, 'auto'), { endpoint: 'http://rgw.example.com', region: 'us-east-1', forcePathStyle: true });
  assert.deepEqual(endpointSettings('https://rgw.example.com/', 'RegionOne', 'auto'), { endpoint: 'https://rgw.example.com', region: 'RegionOne', forcePathStyle: true });
  // A known Amazon host and no region: region from the host, virtual hosting (path for non-DNS buckets).
  assert.deepEqual(endpointSettings('s3-eu-west-1.amazonaws.com', null, 'auto'), {
    endpoint: 'http://s3-eu-west-1.amazonaws.com',
    region: 'eu-west-1',
    forcePathStyle: false,
  });
  assert.deepEqual(endpointSettings('https://s3.amazonaws.com', null, 'auto'), { endpoint: 'https://s3.amazonaws.com', region: 'us-east-1', forcePathStyle: false });
  // ... but with s3_store_region_name Glance passes the host as endpoint_url: path style again.
  assert.equal(endpointSettings('s3-eu-west-1.amazonaws.com', 'eu-west-1', 'auto').forcePathStyle, true);
  // Explicit styles win.
  assert.equal(endpointSettings('http://127.0.0.1:47480', null, 'virtual').forcePathStyle, false);
  assert.equal(endpointSettings('s3.amazonaws.com', null, 'path').forcePathStyle, true);
});

test("virtual hosting needs botocore's DNS-compatible bucket names", () => {
  for (const ok of ['images', 'glance-images-1', 'abc']) assert.ok(isDnsBucketName(ok), ok);
  for (const bad of ['ab', 'Images', 'glance_images', 'glance.images', '-images', 'images-', 'a'.repeat(64)]) assert.ok(!isDnsBucketName(bad), bad);
});

const good: S3BackendConfig = {
  host: 'http://127.0.0.1:47480',
  regionName: null,
  accessKey: 'AK',
  secretKey: 'SK',
  bucket: 'images',
  createBucketOnPut: false,
  bucketUrlFormat: 'auto',
  largeObjectSize: 100,
  largeObjectChunkSize: 10,
  threadPools: 10,
  cacert: null,
};

test('configuration problems name the section and the key; Glance defaults pass', () => {
  assert.equal(configProblem('ceph', good), null);
  assert.equal(configProblem('glance_store', { ...good, host: 'rgw.example.com:8080', largeObjectSize: 0 }), null);
  assert.equal(configProblem('ceph', { ...good, host: 'https://[::1]:8443/rgw' }), null);
  const problems: [Partial<S3BackendConfig>, string][] = [
    [{ host: '' }, '[ceph] s3_store_host: required for an s3 store'],
    [{ host: 'http://user:pw@h' }, '[ceph] s3_store_host: not a host[:port], http://… or https://… address'],
    [{ host: 'ftp://h' }, '[ceph] s3_store_host: not a host[:port], http://… or https://… address'],
    [{ accessKey: '' }, '[ceph] s3_store_access_key: required for an s3 store'],
    [{ secretKey: '' }, '[ceph] s3_store_secret_key: required for an s3 store'],
    [{ bucket: '' }, '[ceph] s3_store_bucket: required for an s3 store'],
    [{ bucket: 'a b' }, '[ceph] s3_store_bucket: not a valid bucket name'],
    [{ largeObjectChunkSize: 4 }, '[ceph] s3_store_large_object_chunk_size: must be at least 5 MB'],
    [{ threadPools: 0 }, '[ceph] s3_store_thread_pools: must be a positive integer'],
    [{ largeObjectSize: -1 }, '[ceph] s3_store_large_object_size: must be an integer >= 0 (MB)'],
    [{ bucketUrlFormat: 'virtual', bucket: 'glance_images' }, "[ceph] s3_store_bucket_url_format: 'virtual' needs a bucket name that is a DNS label; use 'path' for bucket glance_images"],
    [{ cacert: '/nonexistent/ca.pem' }, '[ceph] s3_store_cacert: cannot read the CA bundle /nonexistent/ca.pem'],
  ];
  for (const [over, message] of problems) assert.equal(configProblem('ceph', { ...good, ...over }), message);
});
