// [import_filtering_opts] as Glance reads it, Glance's validate_import_uri
// rules (allowed lists win; schemes, hosts, ports; no encoded IPs), and the
// addresses web-download refuses after DNS unless the host is allowed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, parseConfig } from '../../lib/config';
import { DEFAULT_IMPORT_FILTERING, type ImportFilteringConfig } from '../../lib/config/import-filtering';
import { filterImportUri, redactUri } from '../../lib/imports/web/uri-filter';
import { refusedAddress } from '../../lib/imports/web/address-rules';

for (const name of ['DATABASE_URL', 'GLANCE_CONFIG_FILE']) delete process.env[name];

const filtering = (opts: string) => parseConfig(`[import_filtering_opts]\n${opts}`, null, '/srv/glance').importFiltering;

function refusal(opts: string): string {
  try {
    filtering(opts);
  } catch (err) {
    assert.ok(err instanceof ConfigError, `not a ConfigError: ${err}`);
    return err.message;
  }
  assert.fail('the configuration was accepted');
}

test("Glance's defaults without the section", () => {
  assert.deepEqual(parseConfig('', null, '/srv/glance').importFiltering, {
    allowedSchemes: ['http', 'https'], disallowedSchemes: [], allowedHosts: [], disallowedHosts: [],
    allowedPorts: [80, 443], disallowedPorts: [], disallowedNetworks: [],
  });
});

test("oslo.config's list syntax: [a, b] (Glance's form), bare a, b, quotes, [] for none", () => {
  const f = filtering("allowed_schemes = ['https', \"http\"]\nallowed_hosts = Mirror.Example.NET, [FD00::0005], 10.0.0.5\nallowed_ports = []\ndisallowed_ports = [22, 8080,]\ndisallowed_networks = 10.0.0.0/8, fc00::/7, 192.0.2.1\n");
  assert.deepEqual(f.allowedSchemes, ['https', 'http']);
  assert.deepEqual(f.allowedHosts, ['mirror.example.net', 'fd00::5', '10.0.0.5']);
  assert.deepEqual(f.allowedPorts, []);
  assert.deepEqual(f.disallowedPorts, [22, 8080]);
  assert.deepEqual(f.disallowedNetworks, ['10.0.0.0/8', 'fc00::/7', '192.0.2.1/32']);
});

test('bad values name the section and key', () => {
  assert.equal(refusal('allowed_ports = [80, http]'), '[import_filtering_opts] allowed_ports: "http" is not a port (1-65535)');
  assert.equal(refusal('disallowed_ports = 0'), '[import_filtering_opts] disallowed_ports: "0" is not a port (1-65535)');
  assert.equal(refusal('allowed_ports = [80'), '[import_filtering_opts] allowed_ports: unbalanced brackets in "[80"');
  assert.equal(refusal('allowed_hosts = bad host'), '[import_filtering_opts] allowed_hosts: "bad host" is not a host name or IP address');
  assert.equal(refusal('disallowed_hosts = 2130706433'), '[import_filtering_opts] disallowed_hosts: "2130706433" is not a host name or IP address');
  assert.equal(refusal("allowed_schemes = 'http"), "[import_filtering_opts] allowed_schemes: unbalanced quotes in 'http");
  assert.equal(refusal('allowed_schemes = ht tp'), '[import_filtering_opts] allowed_schemes: "ht tp" is not a URI scheme');
  assert.equal(refusal('disallowed_networks = 10.0.0.0/33'), '[import_filtering_opts] disallowed_networks: "10.0.0.0/33" is not an address or network (ADDRESS/PREFIX)');
  assert.equal(refusal('disallowed_networks = intranet'), '[import_filtering_opts] disallowed_networks: "intranet" is not an address or network (ADDRESS/PREFIX)');
});

const withOpts = (over: Partial<ImportFilteringConfig>): ImportFilteringConfig => ({ ...DEFAULT_IMPORT_FILTERING, ...over });
const passes = (uri: string, f: ImportFilteringConfig = DEFAULT_IMPORT_FILTERING) => filterImportUri(uri, f).ok;
const why = (uri: string, f: ImportFilteringConfig = DEFAULT_IMPORT_FILTERING) => {
  const v = filterImportUri(uri, f);
  return v.ok ? null : v.why;
};

test('defaults: http and https on ports 80 and 443, any host', () => {
  assert.ok(passes('http://mirror.example.net/cirros.img'));
  assert.ok(passes('https://mirror.example.net:443/cirros.img?x=1'));
  assert.ok(passes('HTTP://Mirror.Example.NET:80/a'));
  assert.equal(why('ftp://mirror.example.net/a'), 'scheme ftp is not allowed');
  assert.equal(why('file:///etc/passwd'), '"" is not a host name or a standard IP address');
  assert.equal(why('http://mirror.example.net:8080/a'), 'port 8080 is not allowed');
  // Unlike Glance, a URI without a port is checked with the port it connects to.
  assert.equal(why('https://mirror.example.net/a', withOpts({ allowedPorts: [8443] })), 'port 443 is not allowed');
  assert.equal(why('http://mirror.example.net/a', withOpts({ allowedPorts: [], disallowedPorts: [80] })), 'port 80 is not allowed');
});

test('an allowed list wins over its disallowed list (the disallowed one is ignored)', () => {
  const f = withOpts({ allowedHosts: ['a.example'], disallowedHosts: ['a.example', 'b.example'] });
  assert.ok(passes('http://a.example/x', f));
  assert.equal(why('http://c.example/x', f), 'host c.example is not allowed');
  const ports = withOpts({ allowedPorts: [8080], disallowedPorts: [8080] });
  assert.ok(passes('http://a.example:8080/x', ports));
  const schemes = withOpts({ allowedSchemes: [], disallowedSchemes: ['http'] });
  assert.equal(why('http://a.example/x', schemes), 'scheme http is not allowed');
  assert.ok(passes('https://a.example/x', schemes));
});

test('disallowed lists apply when no allowed list is set', () => {
  const f = withOpts({ disallowedHosts: ['169.254.169.254', 'metadata.google.internal', 'fd00:ec2::254'] });
  assert.equal(why('http://169.254.169.254/latest', f), 'host 169.254.169.254 is not allowed');
  assert.equal(why('http://Metadata.Google.Internal/', f), 'host metadata.google.internal is not allowed');
  assert.equal(why('http://[FD00:EC2:0::254]/', f), 'host fd00:ec2::254 is not allowed');
  assert.ok(passes('http://mirror.example.net/', f));
});

test("encoded and shorthand IPs are refused, as Glance's normalize_hostname does", () => {
  for (const host of ['2130706433', '127.1', '0x7f000001', '0x7f.0.0.1', '0177.0.0.1', '127.000.000.001', '017700000001']) {
    assert.equal(passes(`http://${host}/`), false, host);
  }
  assert.ok(passes('http://127.0.0.1/'), 'a standard IP passes the URI filters (the address rules refuse it later)');
  assert.ok(passes('http://[::1]/'));
});

test('a host the two URL readings disagree on is refused', () => {
  assert.equal(why('http://mirror.example.net\\@127.0.0.1/'), 'its host is ambiguous');
  assert.equal(passes('http://127.0.0.%31/'), false);
  assert.equal(passes('http://bücher.example/'), false, 'non-ASCII host names go in punycode');
  assert.ok(passes('http://xn--bcher-kva.example/'));
  assert.equal(passes(' http://mirror.example.net/'), false);
  assert.equal(passes('http://mirror.example.net:99999/'), false);
  assert.equal(passes('http:///path'), false);
  assert.equal(passes('mirror.example.net/cirros.img'), false);
});

test('user info is not the host', () => {
  assert.equal(why('http://127.0.0.1@mirror.example.net/', withOpts({ allowedHosts: ['127.0.0.1'] })), 'host mirror.example.net is not allowed');
  assert.equal(redactUri('http://me:secret@mirror.example.net/a'), 'http://me:***@mirror.example.net/a');
  assert.equal(redactUri('http://mirror.example.net/a:b@c'), 'http://mirror.example.net/a:b@c');
});

test('loopback, link-local, unspecified, multicast, reserved and metadata addresses are refused', () => {
  const cases: [string, RegExp][] = [
    ['127.0.0.1', /loopback/], ['127.9.8.7', /loopback/], ['::1', /loopback/], ['::ffff:127.0.0.1', /loopback/], ['::ffff:7f00:1', /loopback/],
    ['169.254.169.254', /link-local/], ['::ffff:169.254.169.254', /link-local/], ['fe80::1', /link-local/], ['febf::1', /link-local/],
    ['0.0.0.0', /unspecified/], ['::', /unspecified/],
    ['224.0.0.1', /multicast/], ['ff02::1', /multicast/], ['255.255.255.255', /reserved/],
    ['100.100.100.200', /metadata/], ['fd00:ec2::254', /metadata/],
  ];
  for (const [address, what] of cases) assert.match(refusedAddress(address) ?? 'accepted', what, address);
});

test('private and public addresses are allowed unless disallowed_networks names them', () => {
  for (const a of ['10.1.2.3', '172.16.0.1', '192.168.1.1', '100.64.0.1', 'fd00::2', '8.8.8.8', '2001:db8::1']) assert.equal(refusedAddress(a), null, a);
  const nets = ['10.0.0.0/8', 'fc00::/7'];
  assert.equal(refusedAddress('10.1.2.3', nets), 'in [import_filtering_opts] disallowed_networks (10.0.0.0/8)');
  assert.equal(refusedAddress('::ffff:10.1.2.3', nets), 'in [import_filtering_opts] disallowed_networks (10.0.0.0/8)');
  assert.equal(refusedAddress('fd00::2', nets), 'in [import_filtering_opts] disallowed_networks (fc00::/7)');
  assert.equal(refusedAddress('192.168.1.1', nets), null);
});
