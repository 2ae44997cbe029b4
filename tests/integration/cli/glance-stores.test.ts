// The store commands of Debian's glance client (python3-glanceclient) against
// two file stores, with nothing but `. admin-openrc`: stores-info (--detail),
// image-create/image-upload --store, image-import --import-method copy-image,
// stores-delete; and the image's stores as
// `openstack image show` prints them.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { getToken, readOpenrc, startKeystoneServer, type KeystoneServer } from '../../helpers/identity';
import { client } from '../../helpers/http';
import { parseFields, parseTable, runCli } from '../../helpers/openstack-cli';
import { removeDir } from '../../helpers/server';
import { waitFor } from '../../helpers/data';

let server: KeystoneServer;
let env: Record<string, string>;
let file: string;
const dirOf = (store: string) => path.join(server.dir, store);

before(async () => {
  server = await startKeystoneServer({
    storeConfig: (dir) => {
      for (const s of ['fast', 'slow']) mkdirSync(path.join(dir, s));
      return [
        'default_backend = fast',
        '[DEFAULT]',
        'enabled_backends = fast:file, slow:file',
        '[fast]', `filesystem_store_datadir = ${path.join(dir, 'fast')}`, 'store_description = Fast local disk', 'weight = 100',
        '[slow]', `filesystem_store_datadir = ${path.join(dir, 'slow')}`,
      ].join('\n');
    },
  });
  env = readOpenrc(server.openrc);
  file = path.join(server.dir, 'disk.raw');
  writeFileSync(file, randomBytes(256 * 1024));
});

after(async () => {
  await server?.stop();
  if (server) removeDir(server.dir);
});

const glance = (args: string[]) => runCli('glance', args, env, server.dir);

async function ok(args: string[]): Promise<string> {
  const r = await glance(args);
  assert.equal(r.code, 0, `glance ${args.join(' ')} failed:\n${r.stderr}\n${r.stdout}`);
  return r.stdout;
}

/** glance's Property/Value table (print_dict): a value wrapped over several rows is joined at spaces, where it was wrapped. */
function props(out: string): Record<string, string> {
  const [header, ...rows] = parseTable(out);
  assert.deepEqual(header, ['Property', 'Value'], out);
  const fields: Record<string, string> = {};
  let last = '';
  for (const [k, v] of rows) {
    if (k) fields[(last = k)] = v;
    else fields[last] += ` ${v}`;
  }
  return fields;
}

/** stores-info prints {"stores": [...]} with the list as JSON. */
const storesOf = (out: string) => JSON.parse(props(out).stores);

test('glance stores-info and stores-info --detail', async () => {
  assert.deepEqual(storesOf(await ok(['stores-info'])), [{ id: 'fast', description: 'Fast local disk', default: 'true' }, { id: 'slow' }]);
  const properties = (store: string) => ({ data_dir: dirOf(store), chunk_size: 65536, thin_provisioning: false });
  assert.deepEqual(storesOf(await ok(['stores-info', '--detail'])), [
    { id: 'fast', description: 'Fast local disk', default: 'true', type: 'file', properties: properties('fast'), weight: 100 },
    { id: 'slow', type: 'file', properties: properties('slow'), weight: 0 },
  ]);
});

test('image-create --store puts the data in that store; stores-delete refuses the only copy and removes a second one', async () => {
  const created = props(await ok(['image-create', '--name', 'cli-multi', '--disk-format', 'raw', '--container-format', 'bare', '--file', file, '--store', 'slow']));
  const id = created.id;
  assert.equal(created.status, 'active');
  assert.equal(created.stores, 'slow');
  assert.ok(existsSync(path.join(dirOf('slow'), id)));
  assert.equal(existsSync(path.join(dirOf('fast'), id)), false);

  // The client checks the store against stores-info before sending anything.
  const unknown = await glance(['image-upload', '--store', 'nope', '--file', file, id]);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /Store 'nope' is not valid for this cloud\. Valid values can be retrieved with stores-info command\./);

  const only = await glance(['stores-delete', '--store', 'slow', id]);
  assert.equal(only.code, 1);
  assert.equal(only.stderr, `Unable to delete image '${id}' from store 'slow'. (HTTP 403 Forbidden: Cannot delete image data from the only store containing it. Consider deleting the image instead.)\n`);
  assert.ok(existsSync(path.join(dirOf('slow'), id)));

  // A second copy, made by the client's copy-image import (the image stays active while it runs).
  await ok(['image-import', '--import-method', 'copy-image', '--stores', 'fast', id]);
  await waitFor('the copy into fast', async () => (props(await ok(['image-show', id])).stores === 'slow,fast' ? true : undefined));
  assert.ok(existsSync(path.join(dirOf('fast'), id)));
  await ok(['stores-delete', '--store', 'slow', id]);
  assert.equal(existsSync(path.join(dirOf('slow'), id)), false);
  assert.equal(props(await ok(['image-show', id])).stores, 'fast');

  const shown = await runCli('openstack', ['image', 'show', id], env, server.dir);
  assert.equal(shown.code, 0, shown.stderr);
  assert.match(parseFields(shown.stdout).properties, /stores='fast'/);
});

test('image-upload --store to a queued image', async () => {
  // Created through the API: `glance image-create` without --file would upload its (empty) stdin.
  const token = await getToken(server.url, env.OS_USERNAME, env.OS_PASSWORD, env.OS_PROJECT_NAME);
  const id = (await client(server.url, { 'X-Auth-Token': token }).create({ name: 'cli-upload', disk_format: 'raw', container_format: 'bare' })).id;
  await ok(['image-upload', '--store', 'slow', '--file', file, id]);
  assert.ok(existsSync(path.join(dirOf('slow'), id)));
  const shown = props(await ok(['image-show', id]));
  assert.equal(shown.status, 'active');
  assert.equal(shown.stores, 'slow');
});
