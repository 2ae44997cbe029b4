// The definitions Glance ships, loaded on the first start (as glance-manage
// db_load_metadefs): the same namespaces, each shown as Glance 25.1 shows it
// after its own loader ran (tests/fixtures/metadefs/glance-loaded.json, by
// record_loaded.py); and what this service adds: bounded bodies, 400s where Glance 500s.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { serverForFile, type TestServer } from '../../helpers/server';
import { call } from '../../helpers/http';
import { ROOT } from '../../../scripts/lib/server';
import { manage as runManage } from '../../helpers/manage';

const loaded: { admin_names: string[]; reader_names: string[]; shows: Record<string, string> } = JSON.parse(
  readFileSync(path.join(ROOT, 'tests', 'fixtures', 'metadefs', 'glance-loaded.json'), 'utf8'),
);

let server: TestServer;
serverForFile((s) => (server = s), { flavor: 'trusted-headers', extraConfig: '[oslo_middleware]\nmax_request_body_size = 4096\n' });

const headers = (roles: string, project = 'p1') => ({
  'X-Identity-Status': 'Confirmed', 'X-Project-Id': project, 'X-User-Id': `${project}-user`, 'X-Roles': roles, Accept: 'application/json',
});
const admin = headers('admin,member,reader');
const TIME = /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/g;

/**
 * A namespace document with its resource types in name order (their order follows the loader's file order)
 * and its objects too (Glance's follow MySQL's plan: the name index, or insertion order on a table scan).
 */
function canonical(text: string) {
  const doc = JSON.parse(text.replace(TIME, '<time>'));
  const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);
  doc.resource_type_associations?.sort(byName);
  doc.objects?.sort(byName);
  return doc;
}

test('the first start loads the same namespaces as db_load_metadefs; readers see the public ones', async () => {
  const all = await call(server.url, 'GET', '/v2/metadefs/namespaces?limit=1000', { headers: admin });
  assert.equal(all.status, 200);
  assert.deepEqual(all.json.namespaces.map((n: { namespace: string }) => n.namespace).sort(), loaded.admin_names);
  const reader = await call(server.url, 'GET', '/v2/metadefs/namespaces?limit=1000', { headers: headers('reader', 'p9') });
  assert.deepEqual(reader.json.namespaces.map((n: { namespace: string }) => n.namespace).sort(), loaded.reader_names);
  const [{ n }] = await server.query<{ n: number }>('SELECT COUNT(*) AS n FROM metadef_namespaces WHERE updated_at IS NULL');
  assert.equal(n, loaded.admin_names.length, 'loaded rows have no updated_at, as Glance writes them');
});

test('each shipped namespace is shown exactly as Glance shows it', async () => {
  for (const name of loaded.admin_names) {
    const r = await call(server.url, 'GET', `/v2/metadefs/namespaces/${name}`, { headers: admin });
    assert.equal(r.status, 200, name);
    assert.deepEqual(canonical(r.text), canonical(loaded.shows[name]), name);
  }
});

test('a body over max_request_body_size is refused with 413 before it is read', async () => {
  const big = { namespace: 'Big', description: 'x'.repeat(5000) };
  const r = await call(server.url, 'POST', '/v2/metadefs/namespaces', { headers: admin, body: big });
  assert.equal(r.status, 413);
  assert.match(r.json.message, /Request is too large/);
  const missing = await call(server.url, 'GET', '/v2/metadefs/namespaces/Big', { headers: admin });
  assert.equal(missing.status, 404);
});

test('where Glance answers 500, this service answers 400', async () => {
  // wsme's UnknownAttribute escapes Glance as a 500.
  const unknown = await call(server.url, 'POST', '/v2/metadefs/namespaces', {
    headers: admin,
    body: { namespace: 'Odd', properties: { p: { title: 'P', type: 'string', bogus: 1 } } },
  });
  assert.equal(unknown.status, 400);
  assert.match(unknown.json.message, /^Unknown attribute for argument properties: bogus/);
  // int('abc') and an unknown sort column are 500s in Glance.
  const limit = await call(server.url, 'GET', '/v2/metadefs/namespaces?limit=abc', { headers: admin });
  assert.equal(limit.status, 400);
  assert.match(limit.json.message, /^limit param must be an integer/);
  const sortKey = await call(server.url, 'GET', '/v2/metadefs/namespaces?sort_key=bogus', { headers: admin });
  assert.equal(sortKey.status, 400);
  assert.match(sortKey.json.message, /^Invalid sort key: bogus/);
  const list = await call(server.url, 'POST', '/v2/metadefs/namespaces', { headers: admin, body: [] });
  assert.equal(list.status, 400);
  const [{ n }] = await server.query<{ n: number }>("SELECT COUNT(*) AS n FROM metadef_namespaces WHERE namespace = 'Odd'");
  assert.equal(n, 0);
});

test('headers as Glance sends them: an absolute Location, JSON, and 204s typed text/html; a body where none belongs is 400', async () => {
  const created = await call(server.url, 'POST', '/v2/metadefs/namespaces', { headers: admin, body: { namespace: 'Hdr::Test' } });
  assert.equal(created.status, 201);
  assert.equal(created.headers.get('location'), `${server.url}/v2/metadefs/namespaces/Hdr::Test`);
  assert.equal(created.headers.get('content-type'), 'application/json');
  assert.match(created.headers.get('x-openstack-request-id') ?? '', /^req-/);
  // Glance's body_reject on POST .../tags/{tag}.
  const withBody = await call(server.url, 'POST', '/v2/metadefs/namespaces/Hdr::Test/tags/zz', { headers: admin, body: {} });
  assert.equal(withBody.status, 400);
  const deleted = await call(server.url, 'DELETE', '/v2/metadefs/namespaces/Hdr::Test', { headers: admin });
  assert.equal(deleted.status, 204);
  assert.equal(deleted.headers.get('content-type'), 'text/html; charset=UTF-8');
  assert.equal(deleted.text, '');
});

test('the objects list takes any sort_key and no page size, as Glance\'s repository (recorded: 200 for sort_key=bogus)', async () => {
  const r = await call(server.url, 'GET', '/v2/metadefs/namespaces/OS::Software::DBMS/objects?sort_key=bogus&limit=1', { headers: admin });
  assert.equal(r.status, 200);
  assert.equal(r.json.objects.length, 12);
  assert.equal(r.json.schema, 'v2/schemas/metadefs/objects');
});

test('a namespace created with children that fail leaves nothing behind', async () => {
  const r = await call(server.url, 'POST', '/v2/metadefs/namespaces', {
    headers: admin,
    body: { namespace: 'Half', tags: [{ name: 'same' }, { name: 'SAME' }] },
  });
  assert.equal(r.status, 409);
  assert.match(r.json.message, /A metadata tag with name=SAME already exists in namespace=Half/);
  const [{ n }] = await server.query<{ n: number }>("SELECT COUNT(*) AS n FROM metadef_namespaces WHERE namespace = 'Half'");
  assert.equal(n, 0);
});

test('the schema documents are Glance 25.1\'s, byte for byte', async () => {
  const dir = path.join(ROOT, 'tests', 'fixtures', 'metadefs', 'schemas');
  for (const name of ['namespace', 'namespaces', 'object', 'objects', 'property', 'properties', 'tag', 'tags', 'resource_type', 'resource_types']) {
    const r = await call(server.url, 'GET', `/v2/schemas/metadefs/${name}`, { headers: headers('reader') });
    assert.equal(r.status, 200, name);
    assert.equal(r.text, readFileSync(path.join(dir, `${name}.json`), 'utf8'), name);
  }
});

const manage = (args: string[]) => runManage(server, args);

test('npm run manage -- db-export-metadefs / db-load-metadefs: out one file per namespace, and back in', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'metadefs-export-'));
  try {
    const exported = await manage(['db-export-metadefs', dir]);
    assert.equal(exported.code, 0, exported.out);
    const files = readdirSync(dir).sort();
    assert.ok(files.includes('OS-Compute-CPUPinning.json'), files.join(' '));
    const cpu = JSON.parse(readFileSync(path.join(dir, 'OS-Compute-CPUPinning.json'), 'utf8'));
    assert.equal(cpu.namespace, 'OS::Compute::CPUPinning');
    assert.ok(cpu.properties.cpu_policy, 'its properties are exported');

    // An unprotected shipped namespace deleted through the API comes back from the exported file.
    const before = await call(server.url, 'GET', '/v2/metadefs/namespaces/OS::Compute::Watchdog', { headers: admin });
    await call(server.url, 'PUT', '/v2/metadefs/namespaces/OS::Compute::Watchdog', { headers: admin, body: { namespace: 'OS::Compute::Watchdog', visibility: 'public', protected: false } });
    assert.equal((await call(server.url, 'DELETE', '/v2/metadefs/namespaces/OS::Compute::Watchdog', { headers: admin })).status, 204);
    const loadedBack = await manage(['db-load-metadefs', path.join(dir, 'OS-Compute-Watchdog.json')]);
    assert.equal(loadedBack.code, 0, loadedBack.out);
    assert.match(loadedBack.out, /1 file\(s\) loaded, 0 skipped/);
    const after = await call(server.url, 'GET', '/v2/metadefs/namespaces/OS::Compute::Watchdog', { headers: admin });
    assert.equal(after.status, 200);
    assert.deepEqual(Object.keys(after.json.properties), Object.keys(before.json.properties));
    // Loading what exists is skipped, as glance-manage does without --merge.
    const again = await manage(['db-load-metadefs']);
    assert.equal(again.code, 0, again.out);
    assert.match(again.out, /0 file\(s\) loaded, 33 skipped/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
