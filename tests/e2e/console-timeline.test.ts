// The console's image timeline tells who did what only to those allowed to
// know (admins and the owner project's members, by user and project NAME),
// nothing about actors to others (e.g. viewers of a public image), and never
// a raw error (errno, store paths): a failure reads as an actionable text
// while the raw reason stays with the operators (database, log).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { chromium, type Browser } from 'playwright-core';
import { client } from '../helpers/http';
import { consoleBrowser } from '../helpers/console';
import { getToken, makeProjectUser, readOpenrc, startKeystoneServer, type KeystoneServer } from '../helpers/identity';
import { removeDir } from '../helpers/server';

let server: KeystoneServer;
let browser: Browser;
let imageId: string;
let alice: { userId: string; projectId: string };

type Entry = { action: string; reason: string | null; actor?: { user: string | null; project: string | null; requestId: string | null } };

before(async () => {
  server = await startKeystoneServer();
  const env = readOpenrc(server.openrc);
  const adminToken = await getToken(server.url, env.OS_USERNAME, env.OS_PASSWORD, env.OS_PROJECT_NAME);
  alice = await makeProjectUser(server.url, adminToken, 'proj-a', 'alice', 'alice-pw');
  await makeProjectUser(server.url, adminToken, 'proj-b', 'bob', 'bob-pw');
  const asAlice = client(server.url, { 'X-Auth-Token': await getToken(server.url, 'alice', 'alice-pw', 'proj-a') });
  imageId = (await asAlice.create({ name: 'timeline-public', disk_format: 'raw', container_format: 'bare' })).id;

  // An upload that fails in the store with an errno and a path.
  const images = path.join(server.dir, 'images');
  rmSync(images, { recursive: true });
  try {
    const failed = await asAlice.put(`/v2/images/${imageId}/file`, randomBytes(4096), { 'Content-Type': 'application/octet-stream' });
    assert.ok(failed.status >= 400, `the upload fails (${failed.status})`);
  } finally {
    mkdirSync(images, { recursive: true });
  }
  assert.equal((await asAlice.put(`/v2/images/${imageId}/file`, randomBytes(4096), { 'Content-Type': 'application/octet-stream' })).status, 204);
  const publish = await client(server.url, { 'X-Auth-Token': adminToken }).patch(`/v2/images/${imageId}`, [{ op: 'replace', path: '/visibility', value: 'public' }]);
  assert.equal(publish.status, 200, publish.text);
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
});

after(async () => {
  await browser?.close();
  await server?.stop();
  if (server) removeDir(server.dir);
});

async function eventsAs(username: string, password: string, project: string): Promise<Entry[]> {
  const b = consoleBrowser(server.url);
  await b.signIn({ username, password, project, domain: 'Default' });
  const res = await b.fetch(`/api/console/images/${imageId}`);
  assert.equal(res.status, 200);
  return ((await res.json()) as { events: Entry[] }).events;
}

const RAW = /ENOENT|EACCES|ENOSPC|\berrno\b|\/tmp\/|glance-test-|no such file/i;

test('the raw failure reason is kept for operators', async () => {
  const rows = await server.query<{ reason: string }>("SELECT reason FROM image_events WHERE image_id = ? AND action = 'upload_failed'", [imageId]);
  assert.equal(rows.length, 1);
  assert.match(rows[0].reason, RAW, 'the database has the raw error');
});

test('a viewer of a public image from another project sees no actors and no raw error', async () => {
  const events = await eventsAs('bob', 'bob-pw', 'proj-b');
  assert.ok(events.length >= 4, JSON.stringify(events));
  for (const e of events) assert.equal(e.actor, undefined, `${e.action} has no actor`);
  const text = JSON.stringify(events);
  for (const secret of [alice.userId, alice.projectId, 'alice', 'proj-a']) assert.ok(!text.includes(secret), `events do not mention ${secret}`);
  const failed = events.find((e) => e.action === 'upload_failed');
  assert.ok(failed?.reason, 'the failure has a reason');
  assert.doesNotMatch(failed.reason, RAW);
  assert.doesNotMatch(failed.reason, /\//, 'no path');
  assert.match(failed.reason, /Upload the file again|ask an administrator/i, 'it says what to do');
});

test('the owner project members and admins see who did it, by name', async () => {
  const env = readOpenrc(server.openrc);
  for (const [user, pw, project] of [['alice', 'alice-pw', 'proj-a'], [env.OS_USERNAME, env.OS_PASSWORD, env.OS_PROJECT_NAME]]) {
    const events = await eventsAs(user, pw, project);
    const created = events.find((e) => e.action === 'created');
    assert.deepEqual([created?.actor?.user, created?.actor?.project], ['alice', 'proj-a'], `as ${user}`);
    assert.match(created?.actor?.requestId ?? '', /^req-/);
    const failed = events.find((e) => e.action === 'upload_failed');
    assert.doesNotMatch(failed?.reason ?? '', RAW, `as ${user}: the console never shows the raw error`);
  }
});

test('Chromium: the timeline names the actor for the owner and shows none to another project', async () => {
  const timelineText = async (username: string, password: string, project: string) => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/dashboard/login`);
    await page.fill('input[name=username]', username);
    await page.fill('input[name=password]', password);
    await page.fill('input[name=project]', project);
    await page.click('button[type=submit]');
    await page.waitForURL(/\/dashboard$/);
    await page.goto(`${server.url}/dashboard/images/${imageId}`);
    await page.getByTestId('timeline-entry').first().waitFor();
    const text = await page.getByTestId('timeline').innerText();
    const actors = await page.getByTestId('timeline-actor').count();
    await page.close();
    return { text, actors };
  };
  const owner = await timelineText('alice', 'alice-pw', 'proj-a');
  assert.match(owner.text, /by alice \(project proj-a\)/);
  assert.ok(owner.actors > 0);
  assert.doesNotMatch(owner.text, RAW);
  const other = await timelineText('bob', 'bob-pw', 'proj-b');
  assert.equal(other.actors, 0);
  assert.doesNotMatch(other.text, /alice|proj-a| by /);
  assert.doesNotMatch(other.text, RAW);
  assert.match(other.text, /Upload failed/);
});
