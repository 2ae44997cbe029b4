// The metadata definitions catalog against real Glance 25.1: every step of
// tests/fixtures/metadefs/steps.json (every /v2/metadefs endpoint, as admin,
// member, reader and another project's reader; their 400/403/404/409 answers)
// was sent to Glance (../shared/tools/reference-glance.sh, MODE=headers, after
// glance-manage db_load_metadefs) and its answers recorded in
// glance-transcript.json by record.py; here the same steps go to this server,
// which must answer each with the same status and the same body (times aside).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { serverForFile, type TestServer } from '../../helpers/server';
import { call } from '../../helpers/http';
import { ROOT } from '../../../scripts/lib/server';

const FIXTURES = path.join(ROOT, 'tests', 'fixtures', 'metadefs');
interface Step { who: string; method: string; path: string; body: unknown; headers: Record<string, string>; status: number; response: string }
const transcript: Step[] = JSON.parse(readFileSync(path.join(FIXTURES, 'glance-transcript.json'), 'utf8'));

let server: TestServer;
serverForFile((s) => (server = s), { flavor: 'trusted-headers' });

const PERSONAS: Record<string, [string, string]> = {
  admin: ['p1', 'admin,member,reader'],
  // Keystone's implied roles give a member the reader role too (recorded as 'member' alone; Glance's answer is the same 403).
  member: ['p1', 'member,reader'],
  reader: ['p1', 'reader'],
  reader2: ['p2', 'reader'],
};

function as(who: string, extra: Record<string, string> = {}): Record<string, string> {
  const [project, roles] = PERSONAS[who];
  return { 'X-Identity-Status': 'Confirmed', 'X-Project-Id': project, 'X-User-Id': `${project}-user`, 'X-Roles': roles, Accept: 'application/json', ...extra };
}

const TIME = /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/g;
const normalize = (text: string) => text.replace(TIME, '<time>');

/**
 * The resource type list and the order of the shipped namespaces' rows follow
 * the order the loader met the files in (os.listdir's for Glance, sorted here):
 * such lists are compared as sorted lists.
 */
function comparable(step: Step, text: string): unknown {
  if (step.path.startsWith('/v2/metadefs/resource_types') && text.startsWith('{"resource_types"')) {
    const body = JSON.parse(text);
    body.resource_types.sort((a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name));
    return body;
  }
  return text;
}

test('every recorded step answers as Glance 25.1 did: status and body', async () => {
  const mismatches: string[] = [];
  for (const [i, step] of transcript.entries()) {
    const r = await call(server.url, step.method, step.path, { headers: as(step.who, step.headers), body: step.body === null ? undefined : (step.body as object) });
    const got = comparable(step, normalize(r.text));
    const want = comparable(step, step.response);
    if (r.status !== step.status || JSON.stringify(got) !== JSON.stringify(want)) {
      mismatches.push(`#${i} ${step.who} ${step.method} ${step.path}\n  glance: ${step.status} ${step.response.slice(0, 600)}\n  ours:   ${r.status} ${normalize(r.text).slice(0, 600)}`);
    }
  }
  assert.deepEqual(mismatches, [], `${mismatches.length} of ${transcript.length} steps differ`);
});
