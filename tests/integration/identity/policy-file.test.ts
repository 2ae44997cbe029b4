// An operator's oslo.policy file ([oslo_policy] policy_file) overrides
// Glance's rules by name on a real server: here only admins delete and
// readers may upload to their project's images; rules it does not name keep
// their defaults. A bad file stops start-up with its name and the rule.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startKeystoneServer, type KeystoneServer } from '../../helpers/identity';
import { makePersonas, refusal, type Personas } from '../../helpers/roles';
import { removeDir, startServerExpectingFailure } from '../../helpers/server';

let server: KeystoneServer;
let p: Personas;
const policyDir = mkdtempSync(path.join(os.tmpdir(), 'glance-policy-'));

function policyFile(name: string, text: string): string {
  const file = path.join(policyDir, name);
  writeFileSync(file, text);
  return file;
}

before(async () => {
  const file = policyFile('policy.yaml', [
    '# only admins delete; readers may upload to their own project\'s images',
    'delete_image: "role:admin"',
    'upload_image: "role:reader and project_id:%(project_id)s"',
    '',
  ].join('\n'));
  server = await startKeystoneServer({ extraConfig: `[oslo_policy]\npolicy_file = ${file}` });
  p = await makePersonas(server);
});

after(async () => {
  await server?.stop();
  if (server) removeDir(server.dir);
  removeDir(policyDir);
});

const DATA = new Uint8Array(512).fill(5);

test('overridden rules apply: a reader uploads, a member may not delete, the admin may', async () => {
  const img = await p.member.create({ name: 'policy-file', disk_format: 'raw', container_format: 'bare' });
  const up = await p.reader.put(`/v2/images/${img.id}/file`, DATA, { 'Content-Type': 'application/octet-stream' });
  assert.equal(up.status, 204, up.text);
  assert.equal((await p.member.get(`/v2/images/${img.id}`)).json.status, 'active');

  const del = await p.member.del(`/v2/images/${img.id}`);
  assert.equal(del.status, 403);
  assert.ok(del.text.includes(refusal('delete_image')), del.text);
  const [{ deleted }] = await server.query<{ deleted: number }>('SELECT deleted FROM images WHERE id = ?', [img.id]);
  assert.equal(deleted, 0);
  assert.equal((await p.admin.del(`/v2/images/${img.id}`)).status, 204);
});

test('rules the file does not name keep their defaults', async () => {
  const img = await p.member.create({ name: 'defaults' });
  assert.equal((await p.member.patch(`/v2/images/${img.id}`, [{ op: 'replace', path: '/name', value: 'renamed' }])).status, 200);
  const patch = await p.reader.patch(`/v2/images/${img.id}`, [{ op: 'replace', path: '/name', value: 'x' }]);
  assert.equal(patch.status, 403);
  assert.ok(patch.text.includes(refusal('modify_image')));
  // The reader may upload only to its own project's images.
  const foreign = await p.other.create({ name: 'other-project', visibility: 'public' }).catch(() => null);
  assert.equal(foreign, null, 'publicize_image is still admin-only');
  const otherImg = await p.other.create({ name: 'other-project' });
  assert.equal((await p.reader.put(`/v2/images/${otherImg.id}/file`, DATA, { 'Content-Type': 'application/octet-stream' })).status, 404);
});

test('a bad policy file stops start-up with a message naming the file and the rule', async () => {
  const cases: [string, string, RegExp][] = [
    ['syntax.yaml', 'delete_image: "role:admin and"\n', /syntax\.yaml: rule "delete_image"/],
    ['undefined.yaml', 'modify_image: "rule:is_owner"\n', /undefined\.yaml: rule "modify_image" refers to undefined rule "is_owner"/],
    ['not-yaml.yaml', 'delete_image: [\n', /not-yaml\.yaml: not valid YAML/],
  ];
  for (const [name, text, message] of cases) {
    const file = policyFile(name, text);
    const extraConfig = `[oslo_policy]\npolicy_file = ${file}\n[identity]\nadmin_openrc = ${path.join(policyDir, 'openrc')}`;
    const { code, output } = await startServerExpectingFailure({ flavor: 'keystone', extraConfig });
    assert.notEqual(code, 0, name);
    assert.match(output, message);
    assert.ok(output.includes(file), `${name}: the message names ${file}`);
  }
  const missing = path.join(policyDir, 'absent.yaml');
  const { code, output } = await startServerExpectingFailure({ flavor: 'keystone', extraConfig: `[oslo_policy]\npolicy_file = ${missing}` });
  assert.notEqual(code, 0);
  assert.ok(output.includes(`policy_file ${missing} not found`), output);
});
