// Glance's legacy per-image quotas (image_property_quota, image_tag_quota,
// image_member_quota; default 128 each) with its 413 texts, as real Glance
// 25.1 answers them, on create, PATCH, tag PUT and member POST. A refused
// request changes nothing.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, removeDir, type TestServer } from '../../helpers/server';
import { client } from '../../helpers/http';
import { webobError } from '../../helpers/glance';

let server: TestServer;
let custom: TestServer;
let api: ReturnType<typeof client>;
let customApi: ReturnType<typeof client>;

before(async () => {
  [server, custom] = await Promise.all([
    startServer(),
    startServer({ extraConfig: '[DEFAULT]\nimage_property_quota = 2\nimage_tag_quota = -1\nimage_member_quota = 0' }),
  ]);
  api = client(server.url);
  customApi = client(custom.url);
});

after(async () => {
  for (const s of [server, custom]) {
    await s?.stop();
    if (s) removeDir(s.dir);
  }
});

const TOO_LARGE = '413 Request Entity Too Large';
const props = (n: number, from = 0) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`p${from + i}`, 'v']));
const tags = (n: number, distinct = n) => Array.from({ length: n }, (_, i) => `t${i % distinct}`);
const propertyLimit = (attempted: number, maximum = 128) =>
  `The limit has been exceeded on the number of allowed image properties. Attempted: ${attempted}, Maximum: ${maximum}`;
const tagLimit = (attempted: number, maximum = 128) => `The limit has been exceeded on the number of allowed image tags. Attempted: ${attempted}, Maximum: ${maximum}`;

async function imageCount(s: TestServer): Promise<number> {
  return (await s.query<{ n: number }>('select count(*) as n from images'))[0].n;
}

test('create: 129 properties or 129 tags (duplicates count, as in Glance) get 413; 128 of each are fine', async () => {
  const before = await imageCount(server);
  const p = await api.post('/v2/images', { name: 'q', ...props(129) });
  assert.equal(p.status, 413);
  assert.equal(p.text, webobError(TOO_LARGE, propertyLimit(129)));
  const plain = await api.post('/v2/images', { name: 'q', ...props(129) }, { Accept: 'text/plain' });
  assert.equal(plain.text, `${TOO_LARGE}\n\n${propertyLimit(129)}\n\n   `);
  const t = await api.post('/v2/images', { name: 'q', tags: tags(129, 65) }, { Accept: 'application/json' });
  assert.equal(t.status, 413);
  assert.equal(t.text, `{"message": "${tagLimit(129)}<br /><br />\\n\\n\\n", "code": "${TOO_LARGE}", "title": "Request Entity Too Large"}`);
  // Glance checks the tags first (image factory), the properties when the image is saved.
  const both = await api.post('/v2/images', { tags: tags(129), ...props(129) });
  assert.equal(both.text, webobError(TOO_LARGE, tagLimit(129)));
  // ...so a read-only attribute is reported before too many properties, not before too many tags.
  assert.equal((await api.post('/v2/images', { status: 'active', ...props(129) })).status, 403);
  assert.equal((await api.post('/v2/images', { status: 'active', tags: tags(129) })).status, 413);
  assert.equal(await imageCount(server), before);
  const full = await api.post('/v2/images', { name: 'full', tags: tags(128), ...props(128) });
  assert.equal(full.status, 201, full.text);
  assert.equal(full.json.tags.length, 128);
});

test('PATCH: adding a 129th property or setting 129 tags gets 413; replacing, or removing and adding, does not', async () => {
  const image = await api.create({ name: 'patch', ...props(128) });
  const added = await api.patch(`/v2/images/${image.id}`, [{ op: 'add', path: '/extra', value: 'x' }]);
  assert.equal(added.status, 413);
  assert.equal(added.text, webobError(TOO_LARGE, propertyLimit(129)));
  const replaced = await api.patch(`/v2/images/${image.id}`, [{ op: 'replace', path: '/p0', value: 'changed' }, { op: 'add', path: '/p1', value: 'again' }]);
  assert.equal(replaced.status, 200, replaced.text);
  const swapped = await api.patch(`/v2/images/${image.id}`, [{ op: 'remove', path: '/p2' }, { op: 'add', path: '/extra', value: 'x' }]);
  assert.equal(swapped.status, 200, swapped.text);
  assert.equal(swapped.json.extra, 'x');
  const tooMany = await api.patch(`/v2/images/${image.id}`, [{ op: 'replace', path: '/tags', value: tags(129, 65) }]);
  assert.equal(tooMany.status, 413);
  assert.equal(tooMany.text, webobError(TOO_LARGE, tagLimit(129)));
  const [{ n }] = await server.query<{ n: number }>('select count(*) as n from image_properties where image_id = ? and deleted = 0', [image.id]);
  assert.equal(n, 128);
  assert.deepEqual((await api.get(`/v2/images/${image.id}`)).json.tags, []);
});

test('PUT /tags: the 129th tag gets the tags API\'s 413; an existing tag is still a 204', async () => {
  const image = await api.create({ name: 'tags', tags: tags(128) });
  const r = await api.put(`/v2/images/${image.id}/tags/one-more`);
  assert.equal(r.status, 413);
  assert.equal(r.text, webobError(TOO_LARGE, `Image tag limit exceeded for image ${image.id}: ${tagLimit(129)}:`));
  assert.equal((await api.put(`/v2/images/${image.id}/tags/t5`)).status, 204);
  assert.equal((await api.get(`/v2/images/${image.id}`)).json.tags.length, 128);
});

test('POST /members: the 129th member gets 413 (before the duplicate check, as in Glance)', async () => {
  const image = await api.create({ name: 'members', visibility: 'shared' });
  for (let i = 0; i < 128; i++) {
    const r = await api.post(`/v2/images/${image.id}/members`, { member: `project-${i}` });
    assert.equal(r.status, 200, r.text);
  }
  const expected = webobError(
    TOO_LARGE,
    `Image member limit exceeded for image ${image.id}: The limit has been exceeded on the number of allowed image members for this image. Attempted: 129, Maximum: 128:`,
  );
  const r = await api.post(`/v2/images/${image.id}/members`, { member: 'one-more' });
  assert.equal(r.status, 413);
  assert.equal(r.text, expected);
  assert.equal((await api.post(`/v2/images/${image.id}/members`, { member: 'project-0' })).text, expected);
  const [{ n }] = await server.query<{ n: number }>('select count(*) as n from image_members where image_id = ?', [image.id]);
  assert.equal(n, 128);
});

test('the quotas are configurable in [DEFAULT]; a negative one means no limit', async () => {
  const p = await customApi.post('/v2/images', props(3));
  assert.equal(p.status, 413);
  assert.equal(p.text, webobError(TOO_LARGE, propertyLimit(3, 2)));
  const t = await customApi.post('/v2/images', { name: 'many tags', tags: tags(300) });
  assert.equal(t.status, 201, t.text);
  assert.equal(t.json.tags.length, 300);
  const image = await customApi.create({ name: 'unshared', visibility: 'shared' });
  const m = await customApi.post(`/v2/images/${image.id}/members`, { member: 'anyone' });
  assert.equal(m.status, 413);
  assert.match(m.text, /Attempted: 1, Maximum: 0:/);
});
