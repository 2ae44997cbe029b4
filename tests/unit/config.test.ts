// glance-api.conf parsing: Glance's defaults, oslo.config's repeatable keys
// (filesystem_store_datadirs with glance_store's PATH:PRIORITY), and errors
// that name the section and the key. The default auth flavor is not asserted
// here: it is a security decision that lives with its own tests.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError, configFilePath, loadConfig, parseConfig } from '../../lib/config';
import { parseStoreDirs } from '../../lib/config/stores';

// The environment may override the file; these tests are about the file.
for (const name of ['DATABASE_URL', 'GLANCE_CONFIG_FILE', 'OS_BOOTSTRAP_USERNAME', 'OS_BOOTSTRAP_PASSWORD', 'OS_BOOTSTRAP_PROJECT_NAME']) delete process.env[name];

const ROOT = '/srv/glance';
const parse = (text: string) => parseConfig(text, null, ROOT);

function refusal(text: string): string {
  assert.throws(() => parse(text), ConfigError);
  try {
    parse(text);
  } catch (err) {
    return (err as Error).message;
  }
  return '';
}

test("an empty file gives Glance's defaults", () => {
  const c = parse('');
  assert.equal(c.configFile, null);
  assert.equal(c.bindHost, '0.0.0.0');
  assert.equal(c.bindPort, 9292);
  assert.equal(c.publicEndpoint, null);
  assert.equal(c.imageSizeCap, 1099511627776);
  assert.equal(c.dataDir, '/srv/glance/data');
  assert.deepEqual(c.storeDirs, [{ path: '/srv/glance/data/images', priority: 0 }]);
  assert.equal(c.databaseUrl, null);
  assert.equal(c.logLevel, 'info');
  assert.equal(c.stagingDir, '/srv/glance/data/staging');
  assert.equal(c.stagingExpirySeconds, 86400);
  assert.equal(c.noauthProjectId, 'admin');
  assert.equal(c.keystoneAuthtoken, null);
  assert.equal(c.policyFile, null);
  assert.equal(c.maxRequestBodySize, 114688);
  assert.deepEqual(c.quotas, { imageProperty: 128, imageTag: 128, imageMember: 128, imageLocation: 10, userStorage: 0, useKeystoneLimits: false, osloLimit: { endpointId: null, endpointServiceType: null, endpointRegionName: null } });
  assert.equal(c.requireImageFormatMatch, true);
  assert.deepEqual(c.identity, {
    tokenExpiration: 3600,
    lockoutFailureAttempts: 5,
    lockoutDuration: 60,
    loginThrottleFailures: 20,
    loginThrottleWindow: 300,
    region: 'RegionOne',
    bootstrapUsername: 'admin',
    bootstrapPassword: null,
    bootstrapProjectName: 'admin',
    adminOpenrc: '/srv/glance/admin-openrc',
  });
});

test('[DEFAULT] values, comments and whitespace', () => {
  const c = parse(`
# a comment
; another comment
[DEFAULT]
bind_host = 127.0.0.1
bind_port =   8080
public_endpoint = https://images.example.org//
image_size_cap = 1024
data_dir = /var/lib/glance
debug = true
node_staging_uri = file:///var/lib/glance/staging
node_staging_expiry = 60
`);
  assert.equal(c.bindHost, '127.0.0.1');
  assert.equal(c.bindPort, 8080);
  assert.equal(c.publicEndpoint, 'https://images.example.org');
  assert.equal(c.imageSizeCap, 1024);
  assert.equal(c.dataDir, '/var/lib/glance');
  assert.deepEqual(c.storeDirs, [{ path: '/var/lib/glance/images', priority: 0 }]);
  assert.equal(c.logLevel, 'debug');
  assert.equal(c.stagingDir, '/var/lib/glance/staging');
  assert.equal(c.stagingExpirySeconds, 60);
  assert.equal(parse('[DEFAULT]\nlog_level = warn\ndebug = true\n').logLevel, 'warn');
});

test('a repeated key keeps its last value, as oslo.config does', () => {
  assert.equal(parse('[DEFAULT]\nbind_port = 1\nbind_port = 2\n').bindPort, 2);
});

test('true, false and null are text like any other value', () => {
  assert.equal(parse('[DEFAULT]\ndebug = false\n').logLevel, 'info');
  assert.equal(parse('[noauth]\nproject_id = null\n').noauthProjectId, 'null');
  assert.equal(parse('[identity]\nbootstrap_password = true\n').identity.bootstrapPassword, 'true');
  assert.deepEqual(parse('[glance_store]\nfilesystem_store_datadirs = null\n').storeDirs, [{ path: '/srv/glance/null', priority: 0 }]);
});

test('filesystem_store_datadirs is repeatable, PATH:PRIORITY, relative to the project root', () => {
  // The layout the reference Glance ran with.
  const c = parse('[glance_store]\nfilesystem_store_datadirs = images:0\nfilesystem_store_datadirs = images-1:200\nfilesystem_store_datadirs = /mnt/images-2:100\n');
  assert.deepEqual(c.storeDirs, [
    { path: '/srv/glance/images', priority: 0 },
    { path: '/srv/glance/images-1', priority: 200 },
    { path: '/mnt/images-2', priority: 100 },
  ]);
  assert.deepEqual(parse('[glance_store]\nfilesystem_store_datadirs = /a\n').storeDirs, [{ path: '/a', priority: 0 }]);
  assert.deepEqual(parse('[glance_store]\nfilesystem_store_datadir = ./data/images\n').storeDirs, [{ path: '/srv/glance/data/images', priority: 0 }]);
});

test('parseStoreDirs: the priority is the last :N only; duplicates and mixing both keys are refused', () => {
  assert.deepEqual(parseStoreDirs('glance_store', undefined, ['/a:b:5', '/c:-3'], '/'), [
    { path: '/a:b', priority: 5 },
    { path: '/c', priority: -3 },
  ]);
  assert.deepEqual(parseStoreDirs('glance_store', '  ', [], '/'), []);
  assert.throws(() => parseStoreDirs('glance_store', undefined, ['/a:1', '/a/:2'], '/'), {
    message: '[glance_store] directory /a is specified multiple times in filesystem_store_datadirs',
  });
  assert.equal(
    refusal('[glance_store]\nfilesystem_store_datadir = /a\nfilesystem_store_datadirs = /b\n'),
    "[glance_store] specify either 'filesystem_store_datadir' or 'filesystem_store_datadirs', not both",
  );
});

test('bad integers are refused with the section, the key and the value', () => {
  assert.equal(refusal('[DEFAULT]\nbind_port = http\n'), '[DEFAULT] bind_port must be a non-negative integer, got "http"');
  assert.equal(refusal('[DEFAULT]\nimage_size_cap = -1\n'), '[DEFAULT] image_size_cap must be a non-negative integer, got "-1"');
  assert.equal(refusal('[DEFAULT]\nnode_staging_expiry = 1.5\n'), '[DEFAULT] node_staging_expiry must be a non-negative integer, got "1.5"');
  assert.equal(refusal('[identity]\ntoken_expiration = soon\n'), '[identity] token_expiration must be a non-negative integer, got "soon"');
  assert.equal(refusal('[keystone_authtoken]\nauth_url = http://k/v3\nusername = u\npassword = p\ntoken_cache_time = x\n'), '[keystone_authtoken] token_cache_time must be a non-negative integer, got "x"');
  // An empty value is the default, not an error.
  assert.equal(parse('[DEFAULT]\nbind_port =\n').bindPort, 9292);
});

test('[paste_deploy] flavor: the three flavors, trusted-auth as an alias, anything else refused', () => {
  assert.equal(parse('[paste_deploy]\nflavor = keystone\n').authFlavor, 'keystone');
  assert.equal(parse('[paste_deploy]\nflavor = noauth\n').authFlavor, 'noauth');
  assert.equal(parse('[paste_deploy]\nflavor = trusted-headers\n').authFlavor, 'trusted-headers');
  assert.equal(parse('[paste_deploy]\nflavor = trusted-auth\n').authFlavor, 'trusted-headers');
  assert.match(refusal('[paste_deploy]\nflavor = keystone+cache\n'), /^\[paste_deploy\] flavor "keystone\+cache" is not one of /);
});

test('[database] connection: the SQLAlchemy driver suffix is dropped; DATABASE_URL wins', () => {
  assert.equal(parse('[database]\nconnection = mysql+pymysql://glance:pw@db/glance\n').databaseUrl, 'mysql://glance:pw@db/glance');
  process.env.DATABASE_URL = 'mysql://from-env/glance';
  try {
    assert.equal(parse('[database]\nconnection = mysql+pymysql://glance:pw@db/glance\n').databaseUrl, 'mysql://from-env/glance');
  } finally {
    delete process.env.DATABASE_URL;
  }
});

test('node_staging_uri: file:// URIs and paths; other schemes are refused by name', () => {
  assert.equal(parse('[DEFAULT]\nnode_staging_uri = staging-area\n').stagingDir, '/srv/glance/staging-area');
  assert.equal(refusal('[DEFAULT]\nnode_staging_uri = s3://bucket/x\n'), '[DEFAULT] node_staging_uri must be a file:// URI, got "s3://bucket/x"');
});

test('several nodes: worker_self_reference_url (an http(s) URL without a path) and node_heartbeat_interval', () => {
  const one = parse('');
  assert.equal(one.workerSelfReferenceUrl, null);
  assert.equal(one.nodeHeartbeatInterval, 5);
  const c = parse('[DEFAULT]\nworker_self_reference_url = http://10.0.0.11:9292/\nnode_heartbeat_interval = 2\n');
  assert.equal(c.workerSelfReferenceUrl, 'http://10.0.0.11:9292');
  assert.equal(c.nodeHeartbeatInterval, 2);
  assert.equal(parse('[DEFAULT]\nworker_self_reference_url = https://api-1.example.org\n').workerSelfReferenceUrl, 'https://api-1.example.org');
  assert.match(refusal('[DEFAULT]\nworker_self_reference_url = 10.0.0.11:9292\n'), /\[DEFAULT\] worker_self_reference_url must be/);
  assert.match(refusal('[DEFAULT]\nworker_self_reference_url = http://10.0.0.11:9292/glance\n'), /without a path, got "http:\/\/10.0.0.11:9292\/glance"/);
  assert.match(refusal('[DEFAULT]\nworker_self_reference_url = ftp://10.0.0.11\n'), /worker_self_reference_url must be http\(s\)/);
  assert.match(refusal('[DEFAULT]\nnode_heartbeat_interval = 0\n'), /\[DEFAULT\] node_heartbeat_interval must be at least 1, got "0"/);
});

test('[identity]: values, an empty admin_openrc turns the file off, OS_BOOTSTRAP_* override', () => {
  const text = '[identity]\ntoken_expiration = 600\nlockout_failure_attempts = 3\nlockout_duration = 900\nlogin_throttle_failures = 0\nlogin_throttle_window = 30\nregion_id = Lab\nbootstrap_username = root\nbootstrap_password = s3cret\nbootstrap_project_name = ops\nadmin_openrc =\n';
  assert.deepEqual(parse(text).identity, {
    tokenExpiration: 600,
    lockoutFailureAttempts: 3,
    lockoutDuration: 900,
    loginThrottleFailures: 0,
    loginThrottleWindow: 30,
    region: 'Lab',
    bootstrapUsername: 'root',
    bootstrapPassword: 's3cret',
    bootstrapProjectName: 'ops',
    adminOpenrc: null,
  });
  process.env.OS_BOOTSTRAP_PASSWORD = 'from-env';
  try {
    assert.equal(parse(text).identity.bootstrapPassword, 'from-env');
  } finally {
    delete process.env.OS_BOOTSTRAP_PASSWORD;
  }
});

test('[keystone_authtoken]: off without auth_url; with it, credentials are required by name', () => {
  assert.equal(parse('[keystone_authtoken]\nusername = u\n').keystoneAuthtoken, null);
  assert.deepEqual(parse('[keystone_authtoken]\nauth_url = http://keystone:5000/v3/\nusername = glance\npassword = pw\n').keystoneAuthtoken, {
    authUrl: 'http://keystone:5000/v3',
    wwwAuthenticateUri: 'http://keystone:5000/v3',
    username: 'glance',
    password: 'pw',
    projectName: 'service',
    userDomainName: 'Default',
    projectDomainName: 'Default',
    tokenCacheTime: 60,
  });
  assert.equal(refusal('[keystone_authtoken]\nauth_url = http://k/v3\npassword = pw\n'), '[keystone_authtoken] username is required when auth_url is set');
  assert.equal(refusal('[keystone_authtoken]\nauth_url = http://k/v3\nusername = u\n'), '[keystone_authtoken] password is required when auth_url is set');
});

test('the config file: an explicit or GLANCE_CONFIG_FILE path must exist; the shipped sample parses', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'glance-config-'));
  try {
    const missing = path.join(dir, 'nope.conf');
    assert.throws(() => configFilePath(missing), { message: `config file ${missing} does not exist` });
    const file = path.join(dir, 'glance-api.conf');
    writeFileSync(file, '[DEFAULT]\nbind_port = 9393\n');
    assert.equal(configFilePath(file), file);
    process.env.GLANCE_CONFIG_FILE = file;
    try {
      const c = loadConfig();
      assert.equal(c.configFile, file);
      assert.equal(c.bindPort, 9393);
    } finally {
      delete process.env.GLANCE_CONFIG_FILE;
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const sample = loadConfig(path.resolve('etc/glance-api.conf'));
  assert.equal(sample.bindPort, 9292);
  assert.ok(sample.storeDirs.length > 0);
});

test('user_storage_quota: digits with an optional B, KB, MB, GB or TB (binary units), as Glance; anything else stops start-up', () => {
  const quota = (v: string) => parseConfig(`[DEFAULT]\nuser_storage_quota = ${v}\nuse_keystone_limits = true\n`, null, '/srv/glance').quotas;
  assert.equal(quota('10GB').userStorage, 10 * 1024 ** 3);
  assert.equal(quota('3KB').userStorage, 3072);
  assert.equal(quota('5B').userStorage, 5);
  assert.equal(quota('1234').userStorage, 1234);
  assert.equal(quota('1TB').userStorage, 1024 ** 4);
  assert.equal(quota('0').useKeystoneLimits, true);
  for (const bad of ['10 GB', '10G', '-1', '1.5GB', '10gb']) {
    assert.throws(() => quota(bad), /user_storage_quota must be a number optionally followed by B, KB, MB, GB or TB/);
  }
});

test('image cache: off without image_cache_dir; its options with Glance defaults; the cache flavors need a directory', () => {
  const root = '/srv/glance';
  assert.deepEqual(parseConfig('', null, root).imageCache, { dir: null, maxSize: 10 * 1024 ** 3, stallTime: 86400, prefetcherInterval: 300 });
  const on = parseConfig('[DEFAULT]\nimage_cache_dir = cache\nimage_cache_max_size = 1048576\nimage_cache_stall_time = 60\ncache_prefetcher_interval = 5\n[paste_deploy]\nflavor = keystone+cachemanagement\n', null, root);
  assert.deepEqual(on.imageCache, { dir: '/srv/glance/cache', maxSize: 1048576, stallTime: 60, prefetcherInterval: 5 });
  assert.equal(on.authFlavor, 'keystone');
  assert.equal(parseConfig('[DEFAULT]\nimage_cache_dir = /c\n[paste_deploy]\nflavor = noauth+caching\n', null, root).authFlavor, 'noauth');
  assert.throws(() => parseConfig('[paste_deploy]\nflavor = keystone+caching\n', null, root), (e: Error) => e instanceof ConfigError && /image_cache_dir is required/.test(e.message));
  assert.throws(() => parseConfig('[DEFAULT]\nimage_cache_dir = /c\ncache_prefetcher_interval = 0\n', null, root), ConfigError);
});
