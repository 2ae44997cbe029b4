// GET /v2/images against real Glance's transcript 14-list-filters-sort-paging
// (noauth): the same images are created, every recorded query is replayed,
// and errors must match byte for byte, lists image for image.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { startServer, removeDir, type TestServer } from '../../helpers/server';
import { client } from '../../helpers/http';
import { readTranscript, type RecordedExchange } from '../../helpers/reference';
import { completeSpec, isSorted, type Dir } from '../../helpers/list-order';

let server: TestServer;
let api: ReturnType<typeof client>;
/** Our id for each image name of the transcript (the unnamed image under ''). */
const ids = new Map<string, string>();
const recorded = readTranscript('14-list-filters-sort-paging.txt');
/** The reference's id → name, from its list bodies. */
const refNames = new Map<string, string>();
type Img = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

before(async () => {
  // The transcript's "qcow2" image holds random bytes, as Glance accepted before it inspected
  // uploads; with the content check off it is accepted the same way (virtual_size null).
  server = await startServer({ extraConfig: '[image_format]\nrequire_image_format_match = false\n' });
  api = client(server.url);
  const data = randomBytes(1048576);
  // The transcript's images, as it made them (owner null, as noauth Glance leaves it).
  const made = [
    await api.createWithData(data, {
      os_distro: 'cirros', hw_disk_bus: 'virtio', 'owner_specified.openstack.object': 'images/cirros',
      name: 'cirros-final', disk_format: 'qcow2', container_format: 'bare', visibility: 'private',
      min_ram: 128, min_disk: 1, tags: ['t3', 'patched', 't1', 't2'], owner: null,
    }),
    await api.create({ owner: null }),
    await api.createWithData(data, { id: 'a0a0a0a0-b1b1-c2c2-d3d3-e4e4e4e4e4e4', name: 'fixed-id', disk_format: 'raw', container_format: 'bare', owner: null }),
    await api.create({ name: 'no-ctype', owner: null }),
    await api.createWithData(data, { name: 'shared-img', disk_format: 'raw', container_format: 'bare', visibility: 'shared', owner: null }),
  ];
  for (let i = 1; i <= 5; i++) {
    made.push(await api.create({ name: `page-${i}`, disk_format: 'raw', container_format: 'bare', tags: ['paging', `p${i}`], owner: null }));
  }
  for (const img of made) ids.set(img.name ?? '', img.id);
  for (const ex of recorded.values()) {
    if (!ex.statusLine.includes('200')) continue;
    for (const img of JSON.parse(ex.body).images) refNames.set(img.id, img.name ?? '');
  }
});

after(async () => {
  await server?.stop();
  if (server) removeDir(server.dir);
});

/** The recorded query with the reference's image ids swapped for ours. */
function ourQuery(ex: RecordedExchange): string {
  return ex.query.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, (id) => (refNames.has(id) ? ids.get(refNames.get(id)!)! : id));
}

/** An image with what legitimately differs between two servers (ids, times, data digests) blanked out. */
function comparable(img: Img): Img {
  const out: Img = {};
  for (const [k, v] of Object.entries(img)) {
    if (k === 'id' || k === 'created_at' || k === 'updated_at') out[k] = typeof v;
    else if (k === 'checksum' || k === 'os_hash_value') out[k] = v === null ? null : 'digest';
    else if (k === 'self' || k === 'file') out[k] = String(v).replace(img.id, 'ID');
    else if (k === 'tags') out[k] = [...(v as string[])].sort();
    else out[k] = v;
  }
  return out;
}

function specOf(query: string) {
  const q = new URLSearchParams(query);
  if (q.has('sort')) {
    const parts = q.get('sort')!.split(',').map((p) => p.split(':'));
    return completeSpec(parts.map(([k]) => k), parts.map(([, d]) => (d ?? 'desc') as Dir));
  }
  return completeSpec(q.getAll('sort_key').length ? q.getAll('sort_key') : undefined, q.getAll('sort_dir').length ? (q.getAll('sort_dir') as Dir[]) : undefined);
}

test('the list on an empty server is exactly Glance’s', async () => {
  const empty = await startServer();
  try {
    const r = await client(empty.url).get('/v2/images');
    assert.equal(r.status, 200);
    assert.deepEqual(r.json, JSON.parse(readTranscript('02-list-empty.txt').get('GET /v2/images (no images)')!.body));
    assert.equal(r.json.next, undefined);
  } finally {
    await empty.stop();
    removeDir(empty.dir);
  }
});

test('every error of the transcript: same status, content type and body, byte for byte', async () => {
  const errors = [...recorded.values()].filter((ex) => !ex.statusLine.includes('200'));
  assert.equal(errors.length, 6, 'unknown marker, two bad limits, bad sort key and dir, bad visibility');
  for (const ex of errors) {
    const r = await api.get(`/v2/images?${ourQuery(ex)}`);
    assert.equal(`HTTP/1.1 ${r.status} Bad Request`, ex.statusLine, ex.title);
    assert.equal(r.headers.get('content-type'), ex.headers['content-type'], ex.title);
    assert.equal(r.text, ex.body, ex.title);
    assert.match(r.headers.get('x-openstack-request-id') ?? '', /^req-/);
  }
});

test('every unpaged list of the transcript: the same images, the same links, in Glance’s order', async () => {
  const lists = [...recorded.values()].filter((ex) => ex.statusLine.includes('200') && !/limit=|marker=/.test(ex.query));
  assert.ok(lists.length >= 15);
  for (const ex of lists) {
    const ref = JSON.parse(ex.body);
    const r = await api.get(`/v2/images?${ourQuery(ex)}`);
    assert.equal(r.status, 200, ex.title);
    assert.deepEqual(Object.keys(r.json), Object.keys(ref), ex.title);
    assert.equal(r.json.first, ref.first, ex.title);
    assert.equal(r.json.schema, ref.schema, ex.title);
    const ours = r.json.images as Img[];
    // Same images (ids differ between servers; names are unique here), same shape and key order.
    const byName = (imgs: Img[]) => [...imgs].sort((a, b) => String(a.name).localeCompare(String(b.name)));
    assert.deepEqual(byName(ours).map(comparable), byName(ref.images).map(comparable), ex.title);
    assert.deepEqual(byName(ours).map((i) => Object.keys(i)), byName(ref.images).map((i: Img) => Object.keys(i)), ex.title);
    assert.ok(isSorted(ours, specOf(ex.query)), `${ex.title}: ${ours.map((i) => i.name).join(', ')}`);
  }
  // Name orders do not depend on ids: there they must equal the transcript's exactly.
  for (const title of ['?sort_key=name&sort_dir=asc', '?sort=name:desc,created_at']) {
    const ex = recorded.get(title)!;
    const r = await api.get(`/v2/images?${ex.query}`);
    assert.deepEqual(r.json.images.map((i: Img) => i.name), JSON.parse(ex.body).images.map((i: Img) => i.name), title);
  }
});

test('limit, next and marker page through the default order (created_at desc, id desc)', async () => {
  const all = (await api.get('/v2/images')).json.images as Img[];
  assert.equal(all.length, 10);
  assert.ok(isSorted(all, completeSpec()));

  const page1 = await api.get('/v2/images?limit=2');
  assert.deepEqual(page1.json.images.map((i: Img) => i.id), all.slice(0, 2).map((i) => i.id));
  assert.equal(page1.json.first, '/v2/images?limit=2');
  assert.equal(page1.json.next, `/v2/images?limit=2&marker=${all[1].id}`);
  assert.deepEqual(Object.keys(page1.json), Object.keys(JSON.parse(recorded.get('?limit=2')!.body)));

  const page2 = await api.get(page1.json.next);
  assert.deepEqual(page2.json.images.map((i: Img) => i.id), all.slice(2, 4).map((i) => i.id));
  assert.equal(page2.json.first, '/v2/images?limit=2');
  assert.equal(page2.json.next, `/v2/images?limit=2&marker=${all[3].id}`);

  const page2Index = all.findIndex((i) => i.name === 'page-2');
  const fromMarker = await api.get(`/v2/images?limit=2&marker=${ids.get('page-2')}`);
  assert.deepEqual(fromMarker.json.images.map((i: Img) => i.id), all.slice(page2Index + 1, page2Index + 3).map((i) => i.id));

  // The last page: not full, so no next link; a full last page links to an empty one.
  const last = await api.get(`/v2/images?limit=4&marker=${all[5].id}`);
  assert.deepEqual(last.json.images.map((i: Img) => i.id), all.slice(6).map((i) => i.id));
  assert.equal(last.json.next, `/v2/images?limit=4&marker=${all[9].id}`);
  const beyond = await api.get(last.json.next);
  assert.deepEqual(beyond.json, { images: [], first: '/v2/images?limit=4', schema: '/v2/schemas/images' });

  const zero = await api.get('/v2/images?limit=0');
  assert.equal(zero.text.length > 0, true);
  assert.deepEqual(zero.json, JSON.parse(recorded.get('?limit=0')!.body));

  // Above api_limit_max (1000) the limit is capped; the links keep what was asked.
  const huge = await api.get('/v2/images?limit=5000&name=page-1');
  assert.equal(huge.json.images.length, 1);
  assert.equal(huge.json.first, '/v2/images?limit=5000&name=page-1');
  assert.equal((await api.get('/v2/images?limit=%2B3')).json.images.length, 3, "Python's int() takes a sign");
});

test('links: marker leaves first, repeated names keep their last value, Python quoting', async () => {
  const r = await api.get(`/v2/images?sort_key=name&marker=${ids.get('fixed-id')}&tag=paging&name=in:page-1,page-3&tag=p1&sort_dir=asc&limit=1`);
  assert.deepEqual(r.json.images.map((i: Img) => i.name), ['page-1']);
  const kept = 'sort_key=name&tag=p1&name=in%3Apage-1%2Cpage-3&sort_dir=asc&limit=1';
  assert.equal(r.json.first, `/v2/images?${kept}`);
  assert.equal(r.json.next, `/v2/images?${kept}&marker=${ids.get('page-1')}`);
  const spaced = await api.get('/v2/images?name=a%20b~c*d');
  assert.equal(spaced.json.first, '/v2/images?name=a+b~c%2Ad');
});

test('name, id, status and format filters with in: and eq:, and their operator errors', async () => {
  const names = async (q: string) => ((await api.get(`/v2/images?${q}`)).json.images as Img[]).map((i) => i.name).sort();
  assert.deepEqual(await names('name=eq:page-3'), ['page-3']);
  assert.deepEqual(await names('name=in:"page-1",page-2,nope'), ['page-1', 'page-2']);
  assert.deepEqual(await names('name=in:'), []);
  assert.deepEqual(await names(`id=in:${ids.get('page-1')},${ids.get('fixed-id')}`), ['fixed-id', 'page-1']);
  assert.deepEqual(await names(`id=${ids.get('no-ctype')}`), ['no-ctype']);
  assert.deepEqual(await names('status=in:active,saving'), ['cirros-final', 'fixed-id', 'shared-img']);
  assert.deepEqual(await names('disk_format=qcow2'), ['cirros-final']);
  assert.deepEqual(await names('disk_format=in:qcow2,raw&container_format=bare&status=active'), ['cirros-final', 'fixed-id', 'shared-img']);
  assert.deepEqual(await names('container_format=in:ovf,ami'), []);
  const bad = async (q: string, message: string) => {
    const r = await api.get(`/v2/images?${q}`, { Accept: 'application/json' });
    assert.equal(r.status, 400, q);
    assert.deepEqual(r.json, { message: `${message}<br /><br />\n\n\n`, code: '400 Bad Request', title: 'Bad Request' }, q);
  };
  await bad('name=gt:page', "Unable to filter by unknown operator 'gt'.");
  await bad('status=foo:bar', "Unable to filter by unknown operator 'foo'.");
  await bad('name=in:"page-1', 'Invalid filter value "page-1. The quote is not closed.');
  await bad('name=in:a"b",c', 'Invalid filter value a"b",c. There is no comma before opening quotation mark.');
});

test('created_at / updated_at comparisons, ISO 8601 times, and bad ones', async () => {
  const all = (await api.get('/v2/images')).json.images as Img[];
  const count = async (q: string) => (await api.get(`/v2/images?${q}`)).json.images.length;
  const newest = all[0].created_at as string;
  const sameSecond = all.filter((i) => i.created_at === newest).length;
  assert.equal(await count(`created_at=${newest}`), sameSecond, 'a bare ISO time (with colons) is eq');
  assert.equal(await count(`created_at=eq:${newest}`), sameSecond);
  assert.equal(await count(`created_at=neq:${newest}`), 10 - sameSecond);
  assert.equal(await count(`created_at=gt:${newest}`), 0);
  assert.equal(await count(`created_at=gte:${newest}`), sameSecond);
  assert.equal(await count(`created_at=lt:${newest}`), 10 - sameSecond);
  assert.equal(await count(`created_at=lte:${newest}`), 10);
  assert.equal(await count('created_at=gte:2000-01-01'), 10, 'date only');
  assert.equal(await count('updated_at=lt:2999-12-31T23:59:59%2B05:00'), 10, 'with an offset');
  assert.equal(await count('updated_at=gt:20991231T000000Z'), 0, 'basic format');
  const bad = async (q: string, body: string) => {
    const r = await api.get(`/v2/images?${q}`, { Accept: 'application/json' });
    assert.equal(r.status, 400, q);
    assert.equal(r.json.message, `${body}<br /><br />\n\n\n`, q);
  };
  await bad('created_at=yesterday', 'Bad "created_at" query filter format. Use ISO 8601 DateTime notation.');
  await bad('updated_at=gte:2020-13-01', 'Bad "updated_at" query filter format. Use ISO 8601 DateTime notation.');
  await bad('created_at=in:2020-01-01', 'Unable to filter on a unknown operator.');
  const html = await api.get('/v2/images?created_at=nope');
  assert.match(html.text, /Bad &quot;created_at&quot; query filter format\. Use ISO 8601 DateTime notation\.<br \/><br \/>/);
});

test('size and other range filters, protected, owner, custom properties, tags', async () => {
  const names = async (q: string) => ((await api.get(`/v2/images?${q}`)).json.images as Img[]).map((i) => i.name ?? '').sort();
  assert.deepEqual(await names('size_min=1048576'), ['cirros-final', 'fixed-id', 'shared-img']);
  assert.deepEqual(await names('size_max=1048575'), []);
  assert.deepEqual(await names('min_ram_min=100'), ['cirros-final']);
  assert.deepEqual(await names('min_disk=1'), ['cirros-final']);
  assert.deepEqual(await names('virtual_size_min=1'), ['fixed-id', 'shared-img']);
  assert.deepEqual(await names('hw_disk_bus=virtio&os_distro=cirros'), ['cirros-final']);
  assert.deepEqual(await names('os_distro=ubuntu'), []);
  assert.deepEqual(await names('owner_specified.openstack.object=images/cirros'), ['cirros-final']);
  assert.deepEqual(await names('tag=paging&tag=p1&tag=p2'), [], 'tags are ANDed');
  assert.deepEqual(await names('tag=t1&tag=patched'), ['cirros-final']);
  assert.deepEqual(await names('protected=true'), []);
  assert.equal((await names('protected=false')).length, 10);
  assert.equal((await names('owner=nobody')).length, 0);
  const bad = async (q: string, message: string) => {
    const r = await api.get(`/v2/images?${q}`, { Accept: 'application/json' });
    assert.equal(r.status, 400, q);
    assert.equal(r.json.message, `${message}<br /><br />\n\n\n`, q);
  };
  await bad('size_min=big', 'Unable to filter on a range with a non-numeric value.');
  await bad('protected=True', "Invalid value 'True' for 'protected' filter. Valid values are 'true' or 'false'.");
  await bad('os_hidden=maybe', "Invalid value 'maybe' for 'os_hidden' filter. Valid values are 'true' or 'false'.");
  await bad('member_status=bogus', 'Invalid status: bogus');
  await bad('changes-since=2020-01-01', 'The "changes-since" filter is no longer available on v2.');
  await bad('sort=name&sort_key=name', 'Old and new sorting syntax cannot be combined');
  await bad('sort_key=name&sort_key=size&sort_dir=asc&sort_dir=desc&sort_dir=asc', 'Number of sort dirs does not match the number of sort keys');
  await bad('sort=name:up', 'Invalid sort direction: up');
  await bad('sort=name,', 'Invalid sort key: . It must be one of the following: name, status, container_format, disk_format, size, id, created_at, updated_at.');
  await bad('marker=x'.padEnd(50, 'x'), 'Image with the given id %(image_id)s was not found');
});

test('sorting: classic and new syntax, one direction for all keys, and the appended tiebreaks', async () => {
  const names = async (q: string) => ((await api.get(`/v2/images?${q}`)).json.images as Img[]);
  const check = async (q: string, keys: string[], dirs: Dir[]) => {
    const imgs = await names(q);
    assert.equal(imgs.length, 10, q);
    assert.ok(isSorted(imgs, completeSpec(keys, dirs)), `${q}: ${imgs.map((i) => `${i.name}/${i.disk_format}/${i.size}`).join(' ')}`);
  };
  await check('sort_key=disk_format&sort_key=name&sort_dir=asc', ['disk_format', 'name'], ['asc']);
  await check('sort_key=size&sort_key=name&sort_dir=desc&sort_dir=asc', ['size', 'name'], ['desc', 'asc']);
  await check('sort=status:asc,size', ['status', 'size'], ['asc', 'desc']);
  await check('sort=container_format:desc,updated_at:asc,id:asc', ['container_format', 'updated_at', 'id'], ['desc', 'asc', 'asc']);
  await check('sort_dir=asc', ['created_at'], ['asc']);
  await check('sort_key=id', ['id'], ['desc']);
});

test('hidden, killed and community images: Glance’s defaults for the (admin) noauth list', async () => {
  const hidden = await api.create({ name: 'hidden', os_hidden: true, owner: null });
  const killed = await api.create({ name: 'killed', owner: null });
  // No API makes an image killed without a failing upload; set the state the store would leave.
  await server.query("UPDATE images SET status = 'killed' WHERE id = ?", [killed.id]);
  const others = await api.create({ name: 'community-of-others', visibility: 'community', owner: 'other-project' });
  const own = await api.create({ name: 'community-own', visibility: 'community' });
  const names = async (q: string) => ((await api.get(`/v2/images?${q}`)).json.images as Img[]).map((i) => i.name);

  const defaults = await names('');
  assert.ok(!defaults.includes('hidden'), 'os_hidden images are left out by default');
  assert.ok(!defaults.includes('killed'), 'killed images never list');
  assert.ok(!defaults.includes('community-of-others'), "other projects' community images need ?visibility=community");
  assert.ok(defaults.includes('community-own'), 'own community images list by default');
  assert.equal(defaults.length, 11);

  assert.deepEqual(await names('os_hidden=true'), ['hidden']);
  assert.deepEqual(await names('os_hidden=TRUE'), ['hidden']);
  assert.deepEqual(await names('status=killed'), []);
  assert.deepEqual((await names('visibility=community')).sort(), ['community-of-others', 'community-own']);
  assert.ok((await names('visibility=all')).includes('community-of-others'));
  assert.deepEqual(await names('visibility='), [], 'an empty visibility matches nothing, as in Glance');
  void hidden; void own; void others;
});
