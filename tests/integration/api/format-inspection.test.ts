// Format inspection of uploaded data, as Glance does since CVE-2024-32498:
// real disk images made with qemu-img and genisoimage, uploaded with PUT /file
// and through the console's tus endpoint. Accepted content gets its
// virtual_size from its header; refused content gets Glance's 415, leaves
// the image queued and nothing in the store or the staging area.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tus from 'tus-js-client';
import { startServer, removeDir, type TestServer } from '../../helpers/server';
import { client } from '../../helpers/http';
import { eventually } from '../../helpers/images';

let server: TestServer;
let lenient: TestServer;
let fixtures: string;

const qemuImg = (...args: string[]) => execFileSync('qemu-img', args, { stdio: 'pipe' });
const fixture = (name: string) => path.join(fixtures, name);

before(async () => {
  // Fixtures first: the synchronous qemu-img runs would otherwise stall this
  // process long enough for a keep-alive socket to go stale under it.
  fixtures = mkdtempSync(path.join(os.tmpdir(), 'glance-fixtures-'));
  qemuImg('create', '-q', '-f', 'qcow2', fixture('plain.qcow2'), '1G');
  qemuImg('create', '-q', '-f', 'qcow2', fixture('base.qcow2'), '1G');
  qemuImg('create', '-q', '-f', 'qcow2', '-b', fixture('base.qcow2'), '-F', 'qcow2', fixture('backed.qcow2'));
  qemuImg('create', '-q', '-f', 'qcow2', '-o', `data_file=${fixture('external.raw')}`, fixture('data-file.qcow2'), '64M');
  qemuImg('create', '-q', '-f', 'vmdk', fixture('sparse.vmdk'), '2G');
  qemuImg('create', '-q', '-f', 'vmdk', '-o', 'subformat=streamOptimized', fixture('stream.vmdk'), '3G');
  qemuImg('create', '-q', '-f', 'vpc', fixture('dynamic.vhd'), '512M');
  qemuImg('create', '-q', '-f', 'vpc', '-o', 'subformat=fixed', fixture('fixed.vhd'), '4M');
  qemuImg('create', '-q', '-f', 'vhdx', fixture('disk.vhdx'), '5G');
  qemuImg('create', '-q', '-f', 'vdi', fixture('disk.vdi'), '6G');
  // An encrypted volume, as Cinder uploads one (disk_format raw).
  qemuImg('create', '-q', '-f', 'luks', '--object', 'secret,id=sec0,data=fixture', '-o', 'key-secret=sec0', fixture('volume.luks'), '8M');
  const isoRoot = fixture('iso-root');
  mkdirSync(isoRoot);
  writeFileSync(path.join(isoRoot, 'README.TXT'), 'hello from an ISO\n');
  execFileSync('genisoimage', ['-quiet', '-V', 'FIXTURE', '-o', fixture('disk.iso'), isoRoot]);

  // The same VMDK, its one extent pointed at a host file (same length, so the header stays valid).
  const sparse = readFileSync(fixture('sparse.vmdk'));
  const extent = Buffer.from('"sparse.vmdk"');
  assert.ok(sparse.includes(extent), 'qemu-img names the extent after the file');
  const evil = Buffer.from(sparse);
  Buffer.from('"/etc/passwd"').copy(evil, sparse.indexOf(extent));
  writeFileSync(fixture('absolute-extent.vmdk'), evil);
  // A descriptor-only VMDK: all its data is in another (host) file.
  writeFileSync(fixture('descriptor.vmdk'), '# Disk DescriptorFile\nversion=1\nCID=fffffffe\nparentCID=ffffffff\ncreateType="monolithicFlat"\n\nRW 2048 FLAT "/etc/shadow" 0\n');
  // An ISO whose system area (the first 32 KiB, free for boot code) starts with a qcow2 header.
  const polyglot = readFileSync(fixture('disk.iso'));
  readFileSync(fixture('plain.qcow2')).subarray(0, 512).copy(polyglot, 0);
  writeFileSync(fixture('qcow2-in-system-area.iso'), polyglot);
  const random = randomBytes(1 << 20);
  random.writeUInt16LE(0, 510); // no MBR signature by chance (1 in 65536)
  writeFileSync(fixture('random.bin'), random);
  [server, lenient] = await Promise.all([
    startServer(),
    startServer({ extraConfig: '[image_format]\nrequire_image_format_match = false\n' }),
  ]);
});

after(async () => {
  for (const s of [server, lenient]) {
    await s?.stop();
    if (s) removeDir(s.dir);
  }
  if (fixtures) removeDir(fixtures);
});

const storeFiles = (s: TestServer) => readdirSync(path.join(s.dir, 'images'));
const stagedFiles = (s: TestServer) => readdirSync(path.join(s.dir, 'data', 'staging'));

async function put(s: TestServer, name: string, diskFormat: string, accept = 'application/json') {
  const api = client(s.url);
  const img = await api.create({ name, disk_format: diskFormat, container_format: 'bare' });
  const before = storeFiles(s);
  const res = await api.put(`/v2/images/${img.id}/file`, readFileSync(fixture(name)), { 'Content-Type': 'application/octet-stream', Accept: accept });
  const shown = (await api.get(`/v2/images/${img.id}`)).json;
  const added = storeFiles(s).filter((f) => !before.includes(f));
  return { res, shown, added, id: img.id as string };
}

/** Glance's answer to refused data: webob's 415 page with the reason as its detail. */
function assertRefused(r: Awaited<ReturnType<typeof put>>, reason: string) {
  assert.equal(r.res.status, 415, r.res.text);
  assert.deepEqual(r.res.json, {
    message: `The request media type application/octet-stream is not supported by this server.\n<br /><br />\n${reason}`,
    code: '415 Unsupported Media Type',
    title: 'Unsupported Media Type',
  });
  assert.equal(r.shown.status, 'queued', 'back to queued, as any failed upload');
  assert.equal(r.shown.size, null);
  assert.equal(r.shown.virtual_size, null);
  assert.equal(r.shown.checksum, null);
  assert.deepEqual(r.added, [], 'nothing left in the store, no partial file either');
}

function assertAccepted(r: Awaited<ReturnType<typeof put>>, virtualSize: number | null) {
  assert.equal(r.res.status, 204, r.res.text);
  assert.equal(r.shown.status, 'active');
  assert.equal(r.shown.size, readFileSync(fixture(r.shown.name)).length);
  assert.equal(r.shown.virtual_size, virtualSize);
  assert.deepEqual(r.added, [r.id], 'the image file, and only it');
}

test('a plain qcow2 is accepted with the virtual size from its header', async () => {
  assertAccepted(await put(server, 'plain.qcow2', 'qcow2'), 1 << 30);
});

test('a qcow2 with a backing file, or with an external data file, is refused', async () => {
  assertRefused(await put(server, 'backed.qcow2', 'qcow2'), 'Image failed safety checks');
  assertRefused(await put(server, 'data-file.qcow2', 'qcow2'), 'Image failed safety checks');
});

test('safety checks hold even with require_image_format_match off, mismatch or not', async () => {
  assertRefused(await put(lenient, 'backed.qcow2', 'qcow2'), 'Image failed safety checks');
  assertRefused(await put(lenient, 'backed.qcow2', 'vmdk'), 'Image failed safety checks');
  assertRefused(await put(lenient, 'absolute-extent.vmdk', 'raw'), 'Image failed safety checks');
});

test('a qcow2 with an unknown incompatible feature bit is refused', async () => {
  const bytes = readFileSync(fixture('plain.qcow2'));
  bytes[79] |= 0x10; // incompatible feature bit 4: unknown to the inspector
  writeFileSync(fixture('unknown-feature.qcow2'), bytes);
  assertRefused(await put(server, 'unknown-feature.qcow2', 'qcow2'), 'Image failed safety checks');
});

test('VMDK: monolithicSparse and streamOptimized are accepted with their capacity', async () => {
  assertAccepted(await put(server, 'sparse.vmdk', 'vmdk'), 2 * 1024 ** 3);
  assertAccepted(await put(server, 'stream.vmdk', 'vmdk'), 3 * 1024 ** 3);
});

test('VMDK: an extent with an absolute path, or a descriptor-only file, is refused', async () => {
  assertRefused(await put(server, 'absolute-extent.vmdk', 'vmdk'), 'Image failed safety checks');
  assertRefused(await put(server, 'descriptor.vmdk', 'vmdk'), 'Image failed safety checks');
});

test('VHD (dynamic and fixed), VHDX and VDI are accepted with the virtual size from their headers', async () => {
  const footerSize = (file: string, at: number) => Number(readFileSync(fixture(file)).readBigUInt64BE(at + 40));
  const dynamic = await put(server, 'dynamic.vhd', 'vhd');
  assertAccepted(dynamic, footerSize('dynamic.vhd', 0));
  assert.ok(dynamic.shown.virtual_size >= 512 * 1024 ** 2, 'the footer rounds up to whole CHS cylinders');
  const fixedLength = readFileSync(fixture('fixed.vhd')).length;
  assertAccepted(await put(server, 'fixed.vhd', 'vhd'), footerSize('fixed.vhd', fixedLength - 512));
  assertAccepted(await put(server, 'disk.vhdx', 'vhdx'), 5 * 1024 ** 3);
  assertAccepted(await put(server, 'disk.vdi', 'vdi'), 6 * 1024 ** 3);
});

test('an ISO is accepted as iso, with the size its volume descriptor gives', async () => {
  const r = await put(server, 'disk.iso', 'iso');
  assertAccepted(r, readFileSync(fixture('disk.iso')).length);
});

test('an ISO with a qcow2 header in its system area is refused, declared iso or qcow2', async () => {
  // qemu-img would probe it as qcow2: both formats match, and Glance allows no such mix (only iso+gpt).
  assert.match(execFileSync('qemu-img', ['info', fixture('qcow2-in-system-area.iso')]).toString(), /file format: qcow2/);
  assertRefused(await put(server, 'qcow2-in-system-area.iso', 'iso'), 'Multiple formats detected: qcow2,iso');
  assertRefused(await put(server, 'qcow2-in-system-area.iso', 'qcow2'), 'Multiple formats detected: qcow2,iso');
});

test('content that contradicts disk_format is refused with the mismatch named', async () => {
  assertRefused(await put(server, 'random.bin', 'qcow2'), 'Image disk_format qcow2 does not match stream data raw');
  assertRefused(await put(server, 'plain.qcow2', 'raw'), 'Image disk_format raw does not match stream data qcow2');
  assertRefused(await put(server, 'disk.vdi', 'vmdk'), 'Image disk_format vmdk does not match stream data vdi');
});

test('raw takes unrecognized bytes and block-level content (an ISO, a LUKS volume); non-inspectable formats take unrecognized bytes', async () => {
  assertAccepted(await put(server, 'random.bin', 'raw'), 1 << 20);
  assertAccepted(await put(server, 'disk.iso', 'raw'), readFileSync(fixture('disk.iso')).length);
  assertAccepted(await put(server, 'volume.luks', 'raw'), readFileSync(fixture('volume.luks')).length);
  assertAccepted(await put(server, 'random.bin', 'ami'), null);
  assertRefused(await put(server, 'plain.qcow2', 'ami'), 'Image disk_format ami does not match stream data qcow2');
});

test('with require_image_format_match off, a mismatch is accepted without a virtual size', async () => {
  assertAccepted(await put(lenient, 'random.bin', 'qcow2'), null);
  assertAccepted(await put(lenient, 'plain.qcow2', 'raw'), null);
});

test('the refusal in the other answer formats, and its event', async () => {
  const plain = await put(server, 'random.bin', 'vhdx', 'text/plain');
  assert.equal(plain.res.status, 415);
  assert.equal(
    plain.res.text,
    '415 Unsupported Media Type\n\nThe request media type application/octet-stream is not supported by this server. \n\n Image disk_format vhdx does not match stream data raw',
  );
  const html = await put(server, 'random.bin', 'vdi', '*/*');
  assert.equal(html.res.status, 415);
  assert.equal(
    html.res.text,
    '<html>\n <head>\n  <title>415 Unsupported Media Type</title>\n </head>\n <body>\n  <h1>415 Unsupported Media Type</h1>\n'
      + '  The request media type application/octet-stream is not supported by this server.\n<br /><br />\n'
      + 'Image disk_format vdi does not match stream data raw\n </body>\n</html>',
  );
  const [row] = await server.query<{ action: string; reason: string }>(
    "select action, reason from image_events where image_id = ? and action = 'upload_failed'",
    [plain.id],
  );
  assert.equal(row.reason, 'Image disk_format vhdx does not match stream data raw');
  // The image is not stuck: the right content is accepted next.
  const api = client(server.url);
  await api.patch(`/v2/images/${plain.id}`, [{ op: 'replace', path: '/name', value: 'disk.vhdx' }]);
  const again = await api.put(`/v2/images/${plain.id}/file`, readFileSync(fixture('disk.vhdx')), { 'Content-Type': 'application/octet-stream' });
  assert.equal(again.status, 204);
  assert.equal((await api.get(`/v2/images/${plain.id}`)).json.virtual_size, 5 * 1024 ** 3);
});

function tusUpload(s: TestServer, imageId: string, data: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    new tus.Upload(data, {
      endpoint: `${s.url}/api/console/uploads`,
      chunkSize: 256 * 1024,
      retryDelays: null,
      metadata: { imageId, filename: 'upload' },
      onSuccess: () => resolve(),
      onError: reject,
    }).start();
  });
}

async function consoleUpload(s: TestServer, name: string, diskFormat: string) {
  const created = await client(s.url).post('/api/console/images', { name, disk_format: diskFormat, container_format: 'bare' });
  assert.equal(created.status, 201, created.text);
  const id: string = created.json.id;
  await tusUpload(s, id, readFileSync(fixture(name)));
  // What the console's upload card follows until the import settles.
  return eventually(`${name} import to settle`, async () => {
    const detail = (await client(s.url).get(`/api/console/images/${id}`)).json;
    return detail.image.status === 'importing' || detail.image.status === 'uploading' ? undefined : { id, detail };
  });
}

test('console (tus) upload: refused content goes back to queued with the reason, nothing staged or stored', async () => {
  const before = storeFiles(server);
  const { id, detail } = await consoleUpload(server, 'backed.qcow2', 'qcow2');
  assert.equal(detail.image.status, 'queued');
  assert.equal(detail.image.virtual_size, null);
  const failure = detail.events.filter((e: { action: string }) => e.action === 'import_failed').at(-1);
  assert.equal(failure.reason, 'Image failed safety checks');
  assert.deepEqual(storeFiles(server).filter((f) => !before.includes(f)), []);
  assert.deepEqual(stagedFiles(server).filter((f) => f.startsWith(id)), []);

  const mismatch = await consoleUpload(server, 'disk.vdi', 'qcow2');
  assert.equal(mismatch.detail.image.status, 'queued');
  assert.equal(mismatch.detail.events.filter((e: { action: string }) => e.action === 'import_failed').at(-1).reason,
    'Image disk_format qcow2 does not match stream data vdi');
  assert.deepEqual(storeFiles(server).filter((f) => !before.includes(f)), []);
});

test('console (tus) upload: accepted content becomes active with its virtual size', async () => {
  const { id, detail } = await consoleUpload(server, 'sparse.vmdk', 'vmdk');
  assert.equal(detail.image.status, 'active');
  assert.equal(detail.image.virtual_size, 2 * 1024 ** 3);
  assert.ok(storeFiles(server).includes(id));
  assert.deepEqual(stagedFiles(server).filter((f) => f.startsWith(id)), []);
});
