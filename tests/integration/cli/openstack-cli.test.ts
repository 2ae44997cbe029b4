// The seed lab's `openstack image ...` commands with the real Debian CLI,
// given nothing but the admin-openrc the server wrote on its first start, plus
// identity administration, sharing between two projects, and `glance image-list`.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { readOpenrc, startKeystoneServer, type KeystoneServer } from '../../helpers/identity';
import { parseFields, parseRows, runCli } from '../../helpers/openstack-cli';
import { removeDir } from '../../helpers/server';
import { qcow2 } from '../../helpers/data';

let server: KeystoneServer;
let adminEnv: Record<string, string>;
let imageFile: string;
let md5: string;

const openstack = async (args: string[], env = adminEnv) => {
  const r = await runCli('openstack', args, env, server.dir);
  assert.equal(r.code, 0, `openstack ${args.join(' ')} failed:\n${r.stderr}\n${r.stdout}`);
  return r.stdout;
};

before(async () => {
  server = await startKeystoneServer();
  adminEnv = readOpenrc(server.openrc);
  imageFile = path.join(server.dir, 'cirros-0.3.5-x86_64-disk.img');
  const data = qcow2(1n << 30n, 3 * 1024 * 1024 + 17); // uploaded as qcow2: it must look like one
  writeFileSync(imageFile, data);
  md5 = createHash('md5').update(data).digest('hex');
});

after(async () => {
  await server?.stop();
  if (server) removeDir(server.dir);
});

test('the seed lab with `. admin-openrc`: create --public, list, show by id and name, deactivate, activate, save, delete', async () => {
  assert.equal(adminEnv.OS_AUTH_URL, `${server.url}/v3`, 'the openrc points at this server');
  assert.deepEqual(parseRows(await openstack(['image', 'list'])), []);

  const created = parseFields(await openstack([
    'image', 'create', 'cirros', '--file', imageFile, '--disk-format', 'qcow2', '--container-format', 'bare', '--public',
  ]));
  assert.equal(created.name, 'cirros');
  assert.equal(created.disk_format, 'qcow2');
  assert.equal(created.container_format, 'bare');
  assert.equal(created.visibility, 'public');
  const id = created.id;
  assert.match(id, /^[0-9a-f-]{36}$/);

  assert.deepEqual(parseRows(await openstack(['image', 'list'])), [{ ID: id, Name: 'cirros', Status: 'active' }]);

  const adminProject = parseFields(await openstack(['project', 'show', 'admin'])).id;
  for (const ref of [id, 'cirros']) {
    const shown = parseFields(await openstack(['image', 'show', ref]));
    assert.equal(shown.id, id);
    assert.equal(shown.status, 'active');
    assert.equal(shown.checksum, md5);
    assert.equal(shown.size, String(3 * 1024 * 1024 + 17));
    assert.equal(shown.file, `/v2/images/${id}/file`);
    assert.equal(shown.schema, '/v2/schemas/image');
    assert.equal(shown.owner, adminProject, 'owner is the project id of the token');
    assert.equal(shown.visibility, 'public');
    for (const field of ['container_format', 'created_at', 'disk_format', 'min_disk', 'min_ram', 'name', 'protected', 'tags', 'updated_at']) {
      assert.ok(field in shown, `image show has ${field}`);
    }
  }

  await openstack(['image', 'set', '--deactivate', 'cirros']);
  assert.equal(parseRows(await openstack(['image', 'list']))[0].Status, 'deactivated');
  await openstack(['image', 'set', '--activate', 'cirros']);
  assert.equal(parseRows(await openstack(['image', 'list']))[0].Status, 'active');

  await openstack(['image', 'set', '--property', 'os_distro=cirros', '--tag', 'lab', 'cirros']);
  let shown = parseFields(await openstack(['image', 'show', 'cirros']));
  assert.match(shown.properties, /os_distro='cirros'/);
  assert.equal(shown.tags, 'lab');
  await openstack(['image', 'unset', '--property', 'os_distro', '--tag', 'lab', 'cirros']);
  shown = parseFields(await openstack(['image', 'show', 'cirros']));
  assert.doesNotMatch(shown.properties ?? '', /os_distro/);
  assert.equal(shown.tags, '');

  const saved = path.join(server.dir, 'saved.img');
  await openstack(['image', 'save', '--file', saved, 'cirros']);
  assert.equal(createHash('md5').update(readFileSync(saved)).digest('hex'), md5);

  const glance = await runCli('glance', ['image-list'], adminEnv, server.dir);
  assert.equal(glance.code, 0, glance.stderr);
  assert.deepEqual(parseRows(glance.stdout), [{ ID: id, Name: 'cirros' }]);

  await openstack(['image', 'delete', 'cirros']);
  assert.deepEqual(parseRows(await openstack(['image', 'list'])), []);
  const rows = await server.query<{ deleted: number; status: string }>('SELECT deleted, status FROM image_locations WHERE image_id = ?', [id]);
  assert.deepEqual(rows.map((r) => [r.deleted, r.status]), [[1, 'deleted']]);
});

test('identity administration with the CLI, then sharing an image between two projects', async () => {
  const project = parseFields(await openstack(['project', 'create', 'demo']));
  assert.equal(project.name, 'demo');
  assert.equal(project.domain_id, 'default');
  const user = parseFields(await openstack(['user', 'create', '--project', 'demo', '--password', 'demo-secret', 'demo-user']));
  assert.equal(user.default_project_id, project.id);
  await openstack(['role', 'add', '--user', 'demo-user', '--project', 'demo', 'member']);
  const assignments = parseRows(await openstack(['role', 'assignment', 'list', '--names']));
  assert.ok(assignments.some((a) => a.Role === 'member' && a.User === 'demo-user@Default' && a.Project === 'demo@Default'));
  assert.ok(assignments.some((a) => a.Role === 'admin' && a.User === 'admin@Default' && a.Project === 'admin@Default'));
  assert.ok(parseRows(await openstack(['project', 'list'])).some((p) => p.Name === 'demo'));
  assert.ok(parseRows(await openstack(['user', 'list'])).some((u) => u.Name === 'demo-user'));
  assert.equal(parseFields(await openstack(['user', 'show', 'demo-user'])).id, user.id);

  const demoEnv = { ...adminEnv, OS_USERNAME: 'demo-user', OS_PASSWORD: 'demo-secret', OS_PROJECT_NAME: 'demo' };
  // The file is a qcow2: uploaded as raw (the CLI's default) it would be refused.
  const shared = parseFields(await openstack(['image', 'create', 'shared-img', '--file', imageFile, '--disk-format', 'qcow2', '--container-format', 'bare', '--shared']));
  const priv = parseFields(await openstack(['image', 'create', 'private-img', '--file', imageFile, '--disk-format', 'qcow2', '--private']));

  // Not shared yet: the demo project sees neither image.
  assert.deepEqual(parseRows(await openstack(['image', 'list'], demoEnv)), []);
  const hidden = await runCli('openstack', ['image', 'show', priv.id], demoEnv);
  assert.notEqual(hidden.code, 0);

  const member = parseFields(await openstack(['image', 'add', 'project', 'shared-img', 'demo']));
  assert.equal(member.member_id, project.id);
  assert.equal(member.status, 'pending');
  const members = parseRows(await openstack(['image', 'member', 'list', 'shared-img']));
  assert.deepEqual(members.map((m) => [m['Member ID'], m.Status]), [[project.id, 'pending']]);

  // Pending shares stay out of the member's list until it accepts.
  assert.deepEqual(parseRows(await openstack(['image', 'list'], demoEnv)), []);
  await openstack(['image', 'set', '--accept', shared.id], demoEnv);
  assert.deepEqual(parseRows(await openstack(['image', 'list'], demoEnv)).map((r) => r.Name), ['shared-img']);
  const memberSave = path.join(server.dir, 'member.img');
  await openstack(['image', 'save', '--file', memberSave, shared.id], demoEnv);
  assert.equal(createHash('md5').update(readFileSync(memberSave)).digest('hex'), md5);

  // A member trying admin or owner actions is refused and nothing changes.
  // (openstacksdk ignores the 403 of an image action, so the CLI exits 0 here, as against real Glance.)
  await runCli('openstack', ['image', 'set', '--deactivate', shared.id], demoEnv);
  const rename = await runCli('openstack', ['image', 'set', '--name', 'stolen', shared.id], demoEnv);
  assert.notEqual(rename.code, 0);
  const after = parseFields(await openstack(['image', 'show', shared.id]));
  assert.equal(after.name, 'shared-img');
  assert.equal(after.status, 'active');
  const demoProjects = await runCli('openstack', ['project', 'create', 'not-allowed'], demoEnv);
  assert.notEqual(demoProjects.code, 0);
  assert.ok(!parseRows(await openstack(['project', 'list'])).some((p) => p.Name === 'not-allowed'));

  await openstack(['image', 'remove', 'project', 'shared-img', 'demo']);
  assert.deepEqual(parseRows(await openstack(['image', 'list'], demoEnv)), []);
  await openstack(['user', 'delete', 'demo-user']);
  await openstack(['project', 'delete', 'demo']);
  assert.ok(!parseRows(await openstack(['project', 'list'])).some((p) => p.Name === 'demo'));
});

test('a wrong password makes the CLI fail with Keystone\'s 401 message', async () => {
  const r = await runCli('openstack', ['image', 'list'], { ...adminEnv, OS_PASSWORD: 'wrong' });
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /The request you have made requires authentication/);
});
