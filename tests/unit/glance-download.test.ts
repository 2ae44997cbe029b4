// glance-download's pure rules: images.py's body checks (order, words, the
// public default kept in the stored request), Python's uuid.UUID acceptance,
// get_glance_endpoint's catalog look-up (v3 and keystonemiddleware's v2 form),
// which remote properties _ImportMetadata copies, and the configured prefixes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseImportBody } from '../../lib/imports/body';
import { checkGlanceDownloadBody, looksLikeUuid, propertiesToCopy } from '../../lib/imports/methods/glance-download';
import { findGlanceEndpoint } from '../../lib/imports/remote-glance';
import { parseConfig } from '../../lib/config';
import { GlanceError } from '../../lib/errors';

const ID = '6d2c5b2e-8e0f-4b7e-9a83-1c1f0e6a9b10';

function refusal(method: Record<string, unknown>): string {
  const req = parseImportBody({ method: { name: 'glance-download', ...method } }, ['glance-download']);
  try {
    checkGlanceDownloadBody(req);
  } catch (err) {
    assert.ok(err instanceof GlanceError);
    assert.equal(err.status, 400);
    return err.message;
  }
  return 'accepted';
}

test('glance-download body: region, then image id, then its UUID form, as images.py', () => {
  assert.equal(refusal({}), "'glance_region' needs to be set for glance-download import method");
  assert.equal(refusal({ glance_image_id: ID }), "'glance_region' needs to be set for glance-download import method");
  assert.equal(refusal({ glance_region: 'RegionTwo' }), "'glance_image_id' needs to be set for glance-download import method");
  assert.equal(refusal({ glance_region: 'RegionTwo', glance_image_id: 'nope' }), 'Remote image id does not look like a UUID: nope');
  assert.equal(refusal({ glance_region: 'RegionTwo', glance_image_id: 42 }), 'Remote image id does not look like a UUID: 42');
  assert.equal(refusal({ glance_region: 'RegionTwo', glance_image_id: ID }), 'accepted');
});

test('glance_service_interface defaults to public, in the request the task keeps too', () => {
  const req = parseImportBody({ method: { name: 'glance-download', glance_region: 'R', glance_image_id: ID } }, ['glance-download']);
  checkGlanceDownloadBody(req);
  assert.equal(req.method.glance_service_interface, 'public');
  assert.equal((req.raw.method as Record<string, unknown>).glance_service_interface, 'public');
  const internal = parseImportBody({ method: { name: 'glance-download', glance_region: 'R', glance_image_id: ID, glance_service_interface: 'internal' } }, ['glance-download']);
  checkGlanceDownloadBody(internal);
  assert.equal(internal.method.glance_service_interface, 'internal');
});

test("uuid.UUID's accepted spellings", () => {
  for (const ok of [ID, ID.toUpperCase(), ID.replaceAll('-', ''), `{${ID}}`, `urn:uuid:${ID}`]) assert.ok(looksLikeUuid(ok), ok);
  for (const bad of ['', `${ID}0`, ID.slice(1), 'g'.repeat(32), null, 7]) assert.ok(!looksLikeUuid(bad), String(bad));
});

test('the image endpoint of a region and interface, in v3 and v2 catalogs; region case-insensitive', () => {
  const v3 = [
    { type: 'identity', endpoints: [{ interface: 'public', region: 'RegionTwo', url: 'http://keystone' }] },
    {
      type: 'image',
      endpoints: [
        { interface: 'public', region_id: 'RegionOne', region: 'RegionOne', url: 'http://one:9292' },
        { interface: 'internal', region_id: 'RegionTwo', region: 'RegionTwo', url: 'http://two-internal:9292/' },
        { interface: 'public', region_id: 'RegionTwo', region: 'RegionTwo', url: 'http://two:9292' },
      ],
    },
  ];
  assert.equal(findGlanceEndpoint(v3, 'regiontwo', 'public'), 'http://two:9292');
  assert.equal(findGlanceEndpoint(v3, 'RegionTwo', 'internal'), 'http://two-internal:9292');
  assert.equal(findGlanceEndpoint(v3, 'RegionTwo', 'admin'), null);
  assert.equal(findGlanceEndpoint(v3, 'RegionThree', 'public'), null);
  const v2 = [{ type: 'image', endpoints: [{ region: 'RegionTwo', publicURL: 'http://two:9292', internalURL: 'http://10.0.0.2:9292' }] }];
  assert.equal(findGlanceEndpoint(v2, 'RegionTwo', 'internal'), 'http://10.0.0.2:9292');
  assert.equal(findGlanceEndpoint(v2, 'RegionTwo', 'admin'), null);
  assert.equal(findGlanceEndpoint(null, 'RegionTwo', 'public'), null);
});

test('copied properties: those starting with a configured prefix, never os_glance_* or core attributes', () => {
  const remote = {
    id: ID, status: 'active', name: 'n', os_hidden: false, os_hash_algo: 'sha512',
    hw_disk_bus: 'scsi', 'trait:CUSTOM_X': 'required', os_distro: 'debian', os_type: 'linux', os_secure_boot: 'required',
    os_glance_import_task: 'x', architecture: 'x86_64', owner_specified: 'y',
  };
  assert.ok(!parseConfig('', null, '/srv/glance').enabledImportMethods.includes('glance-download'), "not in Glance's default list");
  const d = parseConfig('', null, '/srv/glance').glanceDownloadProperties;
  assert.deepEqual(d, ['hw_', 'trait:', 'os_distro', 'os_secure_boot', 'os_type']);
  assert.deepEqual(propertiesToCopy(remote, d), { hw_disk_bus: 'scsi', 'trait:CUSTOM_X': 'required', os_distro: 'debian', os_type: 'linux', os_secure_boot: 'required' });
  assert.deepEqual(propertiesToCopy(remote, ['os_', 'architecture']), { os_distro: 'debian', os_type: 'linux', os_secure_boot: 'required', architecture: 'x86_64' });
  const conf = parseConfig('[glance_download_properties]\nextra_properties = [architecture, "hw_"]\n', null, '/srv/glance');
  assert.deepEqual(conf.glanceDownloadProperties, ['architecture', 'hw_']);
});
