// GET /v2/images/{id}/file: whole image, single ranges, the errors and the
// deactivated-image rule, as in the Glance transcripts 05 and 09.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { startServer, removeDir, type TestServer } from '../../helpers/server';
import { client } from '../../helpers/http';
import { curl } from '../../helpers/curl';
import { md5, RawRequest, serverPid, waitFor } from '../../helpers/data';
import { readdirSync, readlinkSync } from 'node:fs';

const SIZE = 1048576;
const data = randomBytes(SIZE);
let server: TestServer;
let headersServer: TestServer;
let api: ReturnType<typeof client>;
let id: string;

before(async () => {
  [server, headersServer] = await Promise.all([startServer(), startServer({ flavor: 'trusted-headers' })]);
  api = client(server.url);
  id = (await api.createWithData(data, { disk_format: 'raw', container_format: 'bare' })).id;
});

after(async () => {
  for (const s of [server, headersServer]) {
    await s?.stop();
    if (s) removeDir(s.dir);
  }
});

async function get(range?: string) {
  const res = await fetch(`${server.url}/v2/images/${id}/file`, { headers: range ? { Range: range } : {} });
  return { res, body: Buffer.from(await res.arrayBuffer()) };
}

test('download: 200 with Content-Length, Content-MD5 and the exact bytes', async () => {
  const { res, body } = await get();
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'application/octet-stream');
  assert.equal(res.headers.get('content-length'), String(SIZE));
  assert.equal(res.headers.get('content-md5'), md5(data));
  assert.match(res.headers.get('x-openstack-request-id') ?? '', /^req-/);
  assert.ok(body.equals(data));
});

test('Range bytes=a-b, a- and -n: 206 with Content-Range and the whole image\'s Content-MD5', async () => {
  const cases: [string, number, number][] = [
    ['bytes=0-15', 0, 15],
    [`bytes=${SIZE - 16}-`, SIZE - 16, SIZE - 1],
    ['bytes=-16', SIZE - 16, SIZE - 1],
    ['bytes=1000-2000000', 1000, SIZE - 1], // end capped at the image's end
    ['bytes=5-5', 5, 5],
  ];
  for (const [range, start, end] of cases) {
    const { res, body } = await get(range);
    assert.equal(res.status, 206, range);
    assert.equal(res.headers.get('content-range'), `bytes ${start}-${end}/${SIZE}`, range);
    assert.equal(res.headers.get('content-length'), String(end - start + 1), range);
    assert.equal(res.headers.get('content-md5'), md5(data), range);
    assert.ok(body.equals(data.subarray(start, end + 1)), range);
  }
});

test('Range beyond the end: 416 with Glance\'s text', async () => {
  const { res, body } = await get('bytes=2000000-2000010');
  assert.equal(res.status, 416);
  assert.equal(
    body.toString(),
    '<html>\n <head>\n  <title>416 Request Range Not Satisfiable</title>\n </head>\n <body>\n  <h1>416 Request Range Not Satisfiable</h1>\n  The Range requested is not available.<br /><br />\nInvalid start position in Range header. Start position MUST be in the inclusive range [0, 1048575].\n\n\n </body>\n</html>',
  );
});

test('multiple ranges: 400 with Glance\'s text', async () => {
  const { res, body } = await get('bytes=0-1,5-6');
  assert.equal(res.status, 400);
  assert.equal(
    body.toString(),
    '<html>\n <head>\n  <title>400 Bad Request</title>\n </head>\n <body>\n  <h1>400 Bad Request</h1>\n  Requests with multiple ranges are not supported in Glance. You may make multiple single-range requests instead.<br /><br />\n\n\n\n </body>\n</html>',
  );
});

test('a queued image has no data: 204', async () => {
  const queued = await api.create({ disk_format: 'raw', container_format: 'bare' });
  const r = await curl(['-s', '-i', `${server.url}/v2/images/${queued.id}/file`]);
  assert.equal(r.status, 204);
  assert.equal(r.body, '');
});

test('HEAD on /file: 405 with Allow: GET, PUT', async () => {
  const r = await curl(['-s', '-i', '--head', `${server.url}/v2/images/${id}/file`]);
  assert.equal(r.status, 405);
  assert.equal(r.headers.allow, 'GET, PUT');
});

test('noauth (admin): a deactivated image can still be downloaded', async () => {
  assert.equal((await api.post(`/v2/images/${id}/actions/deactivate`)).status, 204);
  const { res, body } = await get();
  assert.equal(res.status, 200);
  assert.ok(body.equals(data));
  assert.equal((await api.post(`/v2/images/${id}/actions/reactivate`)).status, 204);
});

test('trusted headers: a deactivated image is 403 for a member, 200 for an admin', async () => {
  const who = (roles: string) => ({ 'X-Identity-Status': 'Confirmed', 'X-Project-Id': 'demo-project', 'X-User-Id': 'demo-user', 'X-Roles': roles });
  const member = client(headersServer.url, who('member,reader'));
  const admin = client(headersServer.url, who('admin,member'));
  const small = randomBytes(4096);
  const img = await member.createWithData(small, { disk_format: 'raw', container_format: 'bare' });
  assert.equal(img.status, 'active');
  assert.equal((await admin.post(`/v2/images/${img.id}/actions/deactivate`)).status, 204);

  const denied = await member.get(`/v2/images/${img.id}/file`);
  assert.equal(denied.status, 403);
  assert.equal(
    denied.text,
    '<html>\n <head>\n  <title>403 Forbidden</title>\n </head>\n <body>\n  <h1>403 Forbidden</h1>\n  The requested image has been deactivated. Image data download is forbidden.<br /><br />\n\n\n\n </body>\n</html>',
  );
  const allowed = await fetch(`${headersServer.url}/v2/images/${img.id}/file`, { headers: who('admin') });
  assert.equal(allowed.status, 200);
  assert.ok(Buffer.from(await allowed.arrayBuffer()).equals(small));
});

// Downloads are written through a few reused buffers (lib/stores/filesystem.ts
// copyTo): an image of several buffers' worth, an odd size and ranges across
// buffer boundaries, fetched by several clients at once, must come out exact.
test('large odd-sized image, concurrent whole and ranged downloads: every byte right', async () => {
  const big = randomBytes(5 * 1048576 + 7);
  const img = await api.createWithData(big, { disk_format: 'raw', container_format: 'bare' });
  const ranges: ([number, number] | null)[] = [null, null, [1048570, 3145735], [4194303, big.length - 1], null];
  const results = await Promise.all(
    ranges.map(async (r) => {
      const res = await fetch(`${server.url}/v2/images/${img.id}/file`, { headers: r ? { Range: `bytes=${r[0]}-${r[1]}` } : {} });
      return { r, status: res.status, length: res.headers.get('content-length'), body: Buffer.from(await res.arrayBuffer()) };
    }),
  );
  for (const { r, status, length, body } of results) {
    const want = r ? big.subarray(r[0], r[1] + 1) : big;
    assert.equal(status, r ? 206 : 200);
    assert.equal(length, String(want.length));
    assert.ok(body.equals(want), `bytes differ for ${r ? r.join('-') : 'the whole image'}`);
  }
});

test('a client that hangs up mid-download: the image file is closed and the server keeps serving', async () => {
  const big = randomBytes(32 * 1048576);
  const img = await api.createWithData(big, { disk_format: 'raw', container_format: 'bare' });
  const pid = serverPid(server);
  const openImageFiles = () =>
    readdirSync(`/proc/${pid}/fd`).filter((fd) => {
      try {
        return readlinkSync(`/proc/${pid}/fd/${fd}`).endsWith(img.id);
      } catch {
        return false; // closed while we looked
      }
    }).length;

  const raw = new RawRequest(server.port, `GET /v2/images/${img.id}/file HTTP/1.1\nHost: 127.0.0.1\n`);
  // Read a little, stop reading so the server blocks on a full socket, then hang up.
  await waitFor('the first bytes of the download', async () => (raw.text().length > 65536 ? true : undefined));
  raw.socket.pause();
  assert.match(raw.text(), /^HTTP\/1\.1 200 /);
  raw.destroy();
  await waitFor('the image file to be closed', async () => (openImageFiles() === 0 ? true : undefined));

  const again = await fetch(`${server.url}/v2/images/${img.id}/file`);
  assert.equal(again.status, 200);
  assert.ok(Buffer.from(await again.arrayBuffer()).equals(big));
  assert.equal(openImageFiles(), 0);
});
