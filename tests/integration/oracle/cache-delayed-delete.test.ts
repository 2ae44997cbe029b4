// The image cache API and delayed delete against what real Glance 25.1 answered
// (tests/fixtures/glance-cache-delayed-delete.txt, made by the record-…sh beside it):
// the same steps, in the same order, on a server with image_cache_dir and
// delayed_delete on; status line, Content-Type, Allow and body must match
// (JSON bodies compared parsed, the cache's float times set to 0), and
// that data is kept (pending_delete) or removed (an immediate delete).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { removeDir, type TestServer } from '../../helpers/server';
import { responseHead } from '../../helpers/reference';
import { call, client, PATCH_TYPE } from '../../helpers/http';
import { cacheServer, identity, waitForCached, type Client } from '../cache/helpers';

const FIXTURE = path.join(__dirname, '..', '..', 'fixtures', 'glance-cache-delayed-delete.txt');
const UNKNOWN = '0b0b0b0b-1111-2222-3333-444444444444';

interface Recorded { status: string; headers: Record<string, string>; body: string }

/** The fixture's sections by title: status line, headers (lower-case), body (Content-Length bytes). */
function recorded(): Map<string, Recorded> {
  const out = new Map<string, Recorded>();
  for (const section of readFileSync(FIXTURE, 'utf8').split(/^-{78}$/m).slice(1)) {
    const lines = section.replace(/^\n/, '').split('\n');
    const { statusAt: at, headers, blankAt: i } = responseHead(lines);
    // The ids in the body were renamed (IMG_…), so Content-Length no longer fits: up to the section's end.
    const body = lines.slice(i + 1).join('\n').replace(/\n+$/, '');
    out.set(lines[0].replace(/^## /, ''), { status: lines[at], headers, body });
  }
  return out;
}

type Who = 'admin' | 'member';
interface Step { title: string; who: Who; method: string; path: string; headers?: Record<string, string>; body?: string; then?: () => Promise<unknown> }

let server: TestServer;
let admin: Client;
const ids: Record<string, string> = {};
const personas: Record<Who, Record<string, string>> = {
  admin: identity('admin-project', 'admin,member,reader'),
  member: identity('demo-project', 'member,reader'),
};

before(async () => {
  ({ server, admin } = await cacheServer(1 << 30, { extraConfig: '[DEFAULT]\ndelayed_delete = true\nscrub_time = 43200\n' }));
  const member = client(server.url, personas.member);
  const image = async (name: string, data: boolean) => {
    const fields = { name, disk_format: 'raw', container_format: 'bare' };
    return (data ? await member.createWithData(randomBytes(4000), fields) : await member.create(fields)).id as string;
  };
  ids.IMG_A = await image('cache-a', true);
  ids.IMG_B = await image('cache-b', true);
  ids.IMG_QUEUED = await image('cache-queued', false);
  ids.IMG_DATA = await image('dd-data', true);
  ids.IMG_EMPTY = await image('dd-empty', false);
  ids.IMG_DEACT = await image('dd-deactivated', true);
  assert.equal((await admin.post(`/v2/images/${ids.IMG_DEACT}/actions/deactivate`)).status, 204);
});

after(async () => {
  await server?.stop();
  if (server) removeDir(server.dir);
});

const img = (name: string, tail = '') => () => `/v2/images/${ids[name]}${tail}`;
/** The file of an image in the server's (default, file) store. */
const stored = (name: string) => path.join(server.dir, 'images', ids[name]);
const cache = (name: string) => () => `/v2/cache/${ids[name] ?? name}`;

const STEPS: (Omit<Step, 'path'> & { path: string | (() => string) })[] = [
  { title: 'cache list, member', who: 'member', method: 'GET', path: '/v2/cache' },
  { title: 'cache list, admin, empty', who: 'admin', method: 'GET', path: '/v2/cache' },
  { title: 'queue a queued image', who: 'admin', method: 'PUT', path: cache('IMG_QUEUED') },
  { title: 'queue an unknown image', who: 'admin', method: 'PUT', path: `/v2/cache/${UNKNOWN}` },
  { title: 'queue a non-uuid', who: 'admin', method: 'PUT', path: '/v2/cache/nope' },
  { title: 'queue, member', who: 'member', method: 'PUT', path: cache('IMG_A') },
  { title: 'queue, admin', who: 'admin', method: 'PUT', path: cache('IMG_A'), then: () => waitForCached(admin, ids.IMG_A) },
  { title: 'cache list after queue', who: 'admin', method: 'GET', path: '/v2/cache' },
  { title: 'delete an unknown entry', who: 'admin', method: 'DELETE', path: `/v2/cache/${UNKNOWN}` },
  { title: 'delete entry, member', who: 'member', method: 'DELETE', path: cache('IMG_A') },
  { title: 'clear, bad target', who: 'admin', method: 'DELETE', path: '/v2/cache', headers: { 'x-image-cache-clear-target': 'all' } },
  { title: 'clear, member', who: 'member', method: 'DELETE', path: '/v2/cache' },
  { title: 'delete entry, admin', who: 'admin', method: 'DELETE', path: cache('IMG_A') },
  { title: 'delete entry again (not cached, image exists)', who: 'admin', method: 'DELETE', path: cache('IMG_A') },
  { title: 'cache list after delete', who: 'admin', method: 'GET', path: '/v2/cache' },
  { title: 'GET one entry', who: 'admin', method: 'GET', path: cache('IMG_A') },
  { title: 'POST cache', who: 'admin', method: 'POST', path: '/v2/cache' },
  { title: 'PUT cache', who: 'admin', method: 'PUT', path: '/v2/cache' },
  { title: 'queue B', who: 'admin', method: 'PUT', path: cache('IMG_B'), then: () => waitForCached(admin, ids.IMG_B) },
  { title: 'clear target cache', who: 'admin', method: 'DELETE', path: '/v2/cache', headers: { 'x-image-cache-clear-target': 'cache' } },
  { title: 'clear target queue', who: 'admin', method: 'DELETE', path: '/v2/cache', headers: { 'x-image-cache-clear-target': 'queue' } },
  { title: 'clear no target', who: 'admin', method: 'DELETE', path: '/v2/cache' },
  { title: 'cache list at end', who: 'admin', method: 'GET', path: '/v2/cache' },

  { title: 'delete, deactivated image, admin', who: 'admin', method: 'DELETE', path: img('IMG_DEACT'), then: async () => assert.ok(existsSync(stored('IMG_DEACT'))) },
  // Glance leaves the file in its store here; we remove it (no orphans).
  { title: 'delete, deactivated image', who: 'member', method: 'DELETE', path: img('IMG_DEACT'), then: async () => assert.ok(!existsSync(stored('IMG_DEACT'))) },
  { title: 'get, deactivated image after delete', who: 'admin', method: 'GET', path: img('IMG_DEACT') },
  { title: 'delete, image with data', who: 'member', method: 'DELETE', path: img('IMG_DATA'), then: async () => assert.ok(existsSync(stored('IMG_DATA'))) },
  { title: 'get, owner', who: 'member', method: 'GET', path: img('IMG_DATA') },
  { title: 'get, admin', who: 'admin', method: 'GET', path: img('IMG_DATA') },
  { title: 'list, owner', who: 'member', method: 'GET', path: '/v2/images?name=dd-data' },
  { title: 'list, admin', who: 'admin', method: 'GET', path: '/v2/images?name=dd-data' },
  { title: 'list status=pending_delete, owner', who: 'member', method: 'GET', path: '/v2/images?status=pending_delete' },
  { title: 'list status=pending_delete, admin', who: 'admin', method: 'GET', path: '/v2/images?status=pending_delete' },
  { title: 'list status=deleted, admin', who: 'admin', method: 'GET', path: '/v2/images?status=deleted' },
  { title: 'list status=killed, admin', who: 'admin', method: 'GET', path: '/v2/images?status=killed' },
  { title: 'list status=bogus, admin', who: 'admin', method: 'GET', path: '/v2/images?status=bogus' },
  { title: 'list deleted=true, admin', who: 'admin', method: 'GET', path: '/v2/images?deleted=true&name=dd-data' },
  { title: 'delete again', who: 'member', method: 'DELETE', path: img('IMG_DATA') },
  { title: 'delete again, admin', who: 'admin', method: 'DELETE', path: img('IMG_DATA') },
  { title: 'patch', who: 'member', method: 'PATCH', path: img('IMG_DATA'), headers: { 'Content-Type': PATCH_TYPE }, body: '[{"op":"replace","path":"/name","value":"x"}]' },
  { title: 'download', who: 'member', method: 'GET', path: img('IMG_DATA', '/file') },
  { title: 'upload', who: 'member', method: 'PUT', path: img('IMG_DATA', '/file'), headers: { 'Content-Type': 'application/octet-stream' }, body: 'x' },
  { title: 'reactivate, admin', who: 'admin', method: 'POST', path: img('IMG_DATA', '/actions/reactivate') },
  { title: 'tag', who: 'member', method: 'PUT', path: img('IMG_DATA', '/tags/t1') },
  { title: 'members', who: 'member', method: 'GET', path: img('IMG_DATA', '/members') },
  { title: 'cache it, admin', who: 'admin', method: 'PUT', path: cache('IMG_DATA') },
  { title: 'delete, image without data', who: 'member', method: 'DELETE', path: img('IMG_EMPTY') },
  { title: 'get, image without data after delete', who: 'member', method: 'GET', path: img('IMG_EMPTY') },
];

/** Our ids as the fixture's names; the cache's float times (they differ) as 0. */
function normalize(text: string, json: boolean): unknown {
  let out = text;
  for (const [name, id] of Object.entries(ids)) out = out.split(id).join(name);
  if (!json || out === '') return out;
  return JSON.parse(out, (key, value) => (key === 'last_accessed' || key === 'last_modified' ? 0 : value));
}

test('every step answers as Glance 25.1 did, in order', async () => {
  const glance = recorded();
  assert.equal(glance.size, STEPS.length, 'the fixture and the steps list the same exchanges');
  const differences: string[] = [];
  for (const step of STEPS) {
    const want = glance.get(step.title);
    assert.ok(want, `fixture has "${step.title}"`);
    const p = typeof step.path === 'function' ? step.path() : step.path;
    const r = await call(server.url, step.method, p, { headers: { ...personas[step.who], ...step.headers }, body: step.body ?? null });
    const json = (want.headers['content-type'] ?? '').startsWith('application/json');
    const got = { status: r.status, type: r.headers.get('content-type'), allow: r.headers.get('allow') ?? undefined, body: normalize(r.text, json) };
    const expected = { status: Number(want.status.split(' ')[1]), type: want.headers['content-type'] ?? null, allow: want.headers.allow, body: normalize(want.body, json) };
    try {
      assert.deepEqual(got, expected);
    } catch {
      differences.push(`${step.title}: ${step.method} ${p}\n  glance: ${JSON.stringify(expected)}\n  ours:   ${JSON.stringify(got)}`);
    }
    await step.then?.();
  }
  assert.deepEqual(differences, [], differences.join('\n'));
});
