// Paging through ~60 images with limit=7 under several orders must give every
// image exactly once, in the order of one big page, although many images share
// their created_at second and many sort values are NULL or equal.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, removeDir, type TestServer } from '../../helpers/server';
import { client } from '../../helpers/http';
import { completeSpec, isSorted, type Dir } from '../../helpers/list-order';

let server: TestServer;
let api: ReturnType<typeof client>;
const COUNT = 60;
type Img = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

before(async () => {
  server = await startServer();
  api = client(server.url);
  for (let i = 0; i < COUNT; i++) {
    const body = {
      ...(i % 5 === 0 ? {} : { name: `img-${i % 7}` }), // NULL names and many equal names
      ...(i % 3 === 0 ? {} : { disk_format: i % 2 ? 'raw' : 'qcow2' }),
      ...(i % 4 === 0 ? {} : { container_format: 'bare' }),
    };
    // Every fourth image gets data: status active, a size (some equal), a later updated_at.
    if (i % 4 === 1) await api.createWithData(new Uint8Array(1 + (i % 3)), body);
    else await api.create(body);
  }
});

after(async () => {
  await server?.stop();
  if (server) removeDir(server.dir);
});

/**
 * From the first page to the end, following `next`, or (how = 'marker') sending
 * the same query with the last image as marker: Glance's `next` keeps only the
 * last value of a repeated parameter (dict(request.params)), so repeated
 * sort_key pages can only be walked that way, with Glance as with us.
 */
async function pageThrough(query: string, limit: number, how: 'next' | 'marker' = 'next'): Promise<Img[]> {
  const seen: Img[] = [];
  const base = `/v2/images?${query}${query ? '&' : ''}limit=${limit}`;
  let url: string | undefined = base;
  for (let pages = 0; url; pages++) {
    assert.ok(pages <= COUNT, 'paging terminates');
    const r = await api.get(url);
    assert.equal(r.status, 200, `${url}: ${r.text}`);
    assert.ok(r.json.images.length <= limit);
    seen.push(...r.json.images);
    if (r.json.next) assert.equal(r.json.images.length, limit, 'only full pages link a next page');
    url = r.json.next && (how === 'next' ? r.json.next : `${base}&marker=${seen[seen.length - 1].id}`);
  }
  return seen;
}

test('the data has what makes paging hard: shared seconds, NULL and equal sort values', async () => {
  const rows = await server.query<{ n: number }>('SELECT COUNT(*) AS n FROM images GROUP BY created_at ORDER BY n DESC LIMIT 1');
  assert.ok(rows[0].n >= 5, `at least 5 images share a created_at second (max ${rows[0].n})`);
  const [nulls] = await server.query<{ names: number; sizes: number }>(
    'SELECT SUM(name IS NULL) AS names, SUM(size IS NULL) AS sizes FROM images',
  );
  assert.ok(nulls.names >= 10 && nulls.sizes >= 40);
});

const ORDERS: { query: string; keys?: string[]; dirs?: Dir[]; how?: 'marker' }[] = [
  { query: '' },
  { query: 'sort_dir=asc', keys: ['created_at'], dirs: ['asc'] },
  { query: 'sort_key=name&sort_dir=asc', keys: ['name'], dirs: ['asc'] },
  { query: 'sort=name:desc', keys: ['name'], dirs: ['desc'] },
  { query: 'sort=disk_format:asc,name:desc', keys: ['disk_format', 'name'], dirs: ['asc', 'desc'] },
  { query: 'sort=size:desc', keys: ['size'], dirs: ['desc'] },
  { query: 'sort=size:asc,container_format:desc,name:asc', keys: ['size', 'container_format', 'name'], dirs: ['asc', 'desc', 'asc'] },
  { query: 'sort=updated_at:asc,status:desc', keys: ['updated_at', 'status'], dirs: ['asc', 'desc'] },
  { query: 'sort_key=status&sort_key=name&sort_dir=desc', keys: ['status', 'name'], dirs: ['desc'], how: 'marker' },
  { query: 'sort=id:asc', keys: ['id'], dirs: ['asc'] },
];

for (const order of ORDERS) {
  test(`limit=7 pages equal one big page: ${order.query || 'default order'}`, async () => {
    const big = (await api.get(`/v2/images?${order.query}${order.query ? '&' : ''}limit=1000`)).json.images as Img[];
    assert.equal(big.length, COUNT);
    assert.ok(isSorted(big, completeSpec(order.keys, order.dirs)), big.map((i) => `${i.name}|${i.created_at}`).join(' '));
    const paged = await pageThrough(order.query, 7, order.how);
    assert.equal(new Set(paged.map((i) => i.id)).size, COUNT, 'every image exactly once');
    assert.deepEqual(paged.map((i) => i.id), big.map((i) => i.id));
  });
}

test('paging with a filter and an odd limit, and from any marker', async () => {
  const big = (await api.get('/v2/images?sort=name:asc&container_format=bare&limit=1000')).json.images as Img[];
  assert.ok(big.length > 30);
  assert.deepEqual((await pageThrough('sort=name:asc&container_format=bare', 4)).map((i) => i.id), big.map((i) => i.id));
  // Every image as a marker: the page after it is exactly the next images of the big page.
  for (let i = 0; i < big.length; i += 3) {
    const r = await api.get(`/v2/images?sort=name:asc&container_format=bare&limit=3&marker=${big[i].id}`);
    assert.deepEqual(r.json.images.map((x: Img) => x.id), big.slice(i + 1, i + 4).map((x) => x.id), `after #${i}`);
  }
});

test('a repeated sort_key is kept only once in the links, exactly as Glance writes them', async () => {
  const r = await api.get('/v2/images?sort_key=status&sort_key=name&sort_dir=desc&limit=2');
  assert.equal(r.json.first, '/v2/images?sort_key=name&sort_dir=desc&limit=2');
  assert.equal(r.json.next, `/v2/images?sort_key=name&sort_dir=desc&limit=2&marker=${r.json.images[1].id}`);
});
