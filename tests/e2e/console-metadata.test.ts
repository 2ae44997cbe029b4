// Issue 13's console in Chromium against a real server with unified limits on:
// the image page's "Update metadata" dialog driven by the metadefs catalog
// (an enum added with its control, a property removed, Glance's 400 shown),
// the admin's metadata definitions page (import, public/protected, delete;
// hidden from a member), and the images page's quota bars following
// GET /v2/info/usage through an upload and a delete.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { assertAccessible } from '../helpers/axe';
import { launchBrowser, dropFiles, screenshot, signInWithPassword, type TestBrowser } from '../helpers/browser';
import { readOpenrc, startKeystoneServer, type KeystoneServer } from '../helpers/identity';
import { eventually, qcow2Bytes } from '../helpers/images';
import { makePersonas, type Personas } from '../helpers/roles';
import { removeDir } from '../helpers/server';

let server: KeystoneServer;
let personas: Personas;
let browser: TestBrowser;
let imageService: string;
const withoutUrl = (e: string) => e.replace(/^\S+: /, '');

before(async () => {
  server = await startKeystoneServer({ extraConfig: '[DEFAULT]\nuse_keystone_limits = true' });
  personas = await makePersonas(server);
  imageService = (await personas.admin.get('/v3/services?type=image')).json.services[0].id;
  // oslo.limit's flat model: with nothing registered every limit is 0, so register defaults first.
  const defaults = { image_size_total: 1000, image_stage_total: 1000, image_count_total: 100, image_count_uploading: 10 };
  const r = await personas.admin.post('/v3/registered_limits', {
    registered_limits: Object.entries(defaults).map(([resource_name, default_limit]) => ({ service_id: imageService, region_id: 'RegionOne', resource_name, default_limit })),
  });
  assert.equal(r.status, 201, r.text);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  if (server) removeDir(server.dir);
});

type Login = { username: string; password: string; project: string };
const adminLogin = (): Login => {
  const env = readOpenrc(server.openrc);
  return { username: env.OS_USERNAME, password: env.OS_PASSWORD, project: env.OS_PROJECT_NAME };
};

async function signInAs(who: Login, where: TestBrowser = browser): Promise<Page> {
  const page = await where.newPage();
  await signInWithPassword(page, server.url, who);
  return page;
}

/** A project limit for project-a (Keystone's /v3/limits), replacing the registered default. */
async function projectLimit(resource: string, limit: number): Promise<void> {
  const r = await personas.admin.post('/v3/limits', {
    limits: [{ service_id: imageService, region_id: 'RegionOne', project_id: personas.projectA, resource_name: resource, resource_limit: limit }],
  });
  assert.equal(r.status, 201, r.text);
}

async function openDialog(page: Page, id: string) {
  await page.goto(`${server.url}/dashboard/images/${id}`);
  const opener = page.getByRole('button', { name: 'Update metadata' });
  await opener.click();
  const dialog = page.getByRole('dialog', { name: 'Update metadata' });
  await dialog.waitFor();
  return dialog;
}

test('Update metadata: an enum from the catalog added with a select, its default filled and description shown; a property removed; one PATCH', async () => {
  const img = await personas.member.create({ name: 'md-dialog', disk_format: 'raw', container_format: 'bare', old_prop: 'going', kept: 'stays' });
  const page = await signInAs(personas.login.member);
  const patches: string[] = [];
  page.on('request', (r) => {
    if (r.method() === 'PATCH') patches.push(r.postData() ?? '');
  });
  const dialog = await openDialog(page, img.id);
  const existing = dialog.getByTestId('existing-metadata');
  assert.deepEqual(await existing.locator('li').evaluateAll((els) => els.map((e) => e.getAttribute('data-key'))), ['kept', 'old_prop']);

  // The catalog for OS::Glance::Image, with its prefix: OS::Compute::Watchdog's watchdog_action is hw_watchdog_action.
  await dialog.getByLabel('Filter available metadata').fill('watchdog');
  const available = dialog.getByTestId('available-metadata');
  await available.locator('[data-namespace="OS::Compute::Watchdog"]').waitFor();
  assert.equal(await available.locator('[data-namespace="OS::Compute::Libvirt"]').count(), 0, 'the filter hides what does not match');
  await available.getByRole('button', { name: 'Add hw_watchdog_action' }).click();
  const select = dialog.getByRole('combobox', { name: /Watchdog Action/ });
  assert.ok(await select.evaluate((el) => el === document.activeElement), 'the new property\'s control takes focus');
  assert.equal(await select.inputValue(), 'disabled', 'the first choice (no default in the definition)');
  assert.deepEqual(await select.locator('option').allInnerTexts(), ['disabled', 'reset', 'poweroff', 'pause', 'none']);
  assert.match(await existing.locator('[data-key=hw_watchdog_action]').innerText(), /virtual hardware watchdog device/);
  assert.equal(await available.getByRole('button', { name: 'Add hw_watchdog_action' }).count(), 0, 'an added property leaves the catalog');
  await select.selectOption('reset');
  // An array of choices: a multi-select and its operator, written as Nova's filters read it.
  await dialog.getByLabel('Filter available metadata').fill('instruction set extension');
  await dialog.getByRole('button', { name: 'Add CIM_PASD_InstructionSetExtensionName' }).click();
  const entry = existing.locator('[data-key=CIM_PASD_InstructionSetExtensionName]');
  await entry.getByRole('combobox', { name: 'Operator' }).selectOption('<all-in>');
  await entry.getByRole('listbox', { name: /Instruction Set Extension/ }).selectOption(['x86:AES', 'x86:AVX']);
  await dialog.getByRole('button', { name: 'Remove old_prop' }).click();
  await screenshot(page, 'metadata-dialog');
  await dialog.getByRole('button', { name: 'Save' }).click();
  await dialog.waitFor({ state: 'detached' });
  assert.ok(await page.getByRole('button', { name: 'Update metadata' }).evaluate((el) => el === document.activeElement), 'focus returns to the opener');

  const after = (await personas.member.get(`/v2/images/${img.id}`)).json;
  assert.equal(after.hw_watchdog_action, 'reset');
  assert.equal(after.old_prop, undefined);
  assert.equal(after.kept, 'stays');
  assert.equal(after.CIM_PASD_InstructionSetExtensionName, '<all-in> x86:AES x86:AVX');
  assert.deepEqual(patches.map((p) => JSON.parse(p)), [[
    { op: 'remove', path: '/old_prop' },
    { op: 'add', path: '/hw_watchdog_action', value: 'reset' },
    { op: 'add', path: '/CIM_PASD_InstructionSetExtensionName', value: '<all-in> x86:AES x86:AVX' },
  ]], 'one patch');
  await page.getByTestId('field-properties').filter({ hasText: "hw_watchdog_action='reset'" }).waitFor();
  await page.close();
  assert.deepEqual(browser.takeErrors(), []);
});

test('Update metadata: typed controls (boolean, integer bounds) and Escape; a bad value shows Glance\'s 400 and changes nothing', async () => {
  const img = await personas.member.create({ name: 'md-bad', disk_format: 'raw', container_format: 'bare' });
  const page = await signInAs(personas.login.member);
  let dialog = await openDialog(page, img.id);
  // The keyboard stays in the modal: every Tab stop is inside the dialog (or the browser's own UI between rounds).
  await dialog.locator('[data-namespace]').first().waitFor();
  const stops: string[] = [];
  for (let i = 0; i < 12; i++) {
    await page.keyboard.press('Tab');
    stops.push(await page.evaluate(() => (document.activeElement === document.body ? 'body' : document.activeElement?.closest('dialog') ? 'dialog' : `outside: ${document.activeElement?.outerHTML.slice(0, 80)}`)));
  }
  assert.deepEqual(stops.filter((s) => s.startsWith('outside')), [], stops.join(' | '));
  assert.ok(stops.filter((s) => s === 'dialog').length >= 8);
  await dialog.getByLabel('Filter available metadata').fill('img_linked_clone');
  await dialog.getByRole('button', { name: 'Add img_linked_clone' }).click();
  assert.equal(await dialog.getByRole('checkbox', { name: /img_linked_clone/ }).isChecked(), false);
  await dialog.getByLabel('Filter available metadata').fill('os_shutdown_timeout');
  await dialog.getByRole('button', { name: 'Add os_shutdown_timeout' }).click();
  const timeout = dialog.getByRole('spinbutton', { name: /os_shutdown_timeout/ });
  assert.equal(await timeout.getAttribute('min'), '0');
  await timeout.fill('-1');
  await dialog.getByText('Must be at least 0.').waitFor();
  assert.equal(await dialog.getByRole('button', { name: 'Save' }).isDisabled(), true, 'a value outside the definition is not sent');
  // Escape closes without saving; focus back on the opener.
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'detached' });
  assert.ok(await page.getByRole('button', { name: 'Update metadata' }).evaluate((el) => el === document.activeElement));

  // A custom property whose name is longer than Glance's 255: the API's 400, in its words, and the image unchanged.
  const longName = 'n'.repeat(256);
  dialog = await openDialog(page, img.id);
  await dialog.getByLabel('Custom property').fill(longName);
  await dialog.getByRole('button', { name: 'Add custom' }).click();
  await dialog.locator(`[data-key="${longName}"] input`).fill('value');
  await dialog.getByRole('button', { name: 'Save' }).click();
  const alert = dialog.getByTestId('metadata-error');
  await alert.waitFor();
  const direct = await personas.member.patch(`/v2/images/${img.id}`, [{ op: 'add', path: `/${longName}`, value: 'value' }], { Accept: 'application/json' });
  assert.equal(direct.status, 400, direct.text);
  const glanceText = (direct.json.message as string).replace(/<br \/>/g, '').trim();
  assert.equal(await alert.innerText(), glanceText);
  assert.equal(glanceText, 'Custom property should not be greater than 255 characters.');
  assert.equal(await dialog.isVisible(), true, 'the dialog stays open with the draft');
  assert.deepEqual(Object.keys((await personas.member.get(`/v2/images/${img.id}`)).json).filter((k) => k.startsWith('n')), ['name']);
  assert.deepEqual(browser.takeErrors().map(withoutUrl), ['Failed to load resource: the server responded with a status of 400 (Bad Request)']);
  await page.close();
});

const NAMESPACE = {
  namespace: 'Test::E2E::Console',
  display_name: 'E2E console namespace',
  description: 'Imported by the console test.',
  visibility: 'private',
  protected: false,
  resource_type_associations: [{ name: 'OS::Glance::Image', prefix: 'e2e_' }],
  properties: { flavour: { title: 'Flavour', type: 'string', enum: ['sweet', 'sour'], default: 'sour' } },
  objects: [{ name: 'Thing', properties: { size: { title: 'Size', type: 'integer', minimum: 1 } } }],
  tags: [{ name: 'tagged' }],
};

test('metadata definitions page: an admin imports, toggles public/protected, cannot delete while protected, deletes; a member sees neither the page nor its link', async () => {
  const page = await signInAs(adminLogin());
  await page.getByRole('link', { name: 'Metadata definitions' }).click();
  await page.getByRole('heading', { name: 'Metadata definitions', level: 1 }).waitFor();
  const row = (ns: string) => page.locator(`[data-testid=namespace-row][data-namespace="${ns}"]`);
  await row('OS::Compute::Watchdog').waitFor();
  assert.match(await row('OS::Compute::Watchdog').innerText(), /Watchdog Behavior[\s\S]*OS::Glance::Image, OS::Cinder::Volume, OS::Nova::Flavor|Watchdog Behavior/);

  // Import: a bad document is refused in Glance's words, then the real one.
  await page.getByText('Import namespace', { exact: true }).first().click();
  const form = page.getByRole('form', { name: 'Import namespace' });
  await form.getByLabel('Namespace definition (JSON)').fill(JSON.stringify({ display_name: 'no name' }));
  await form.getByRole('button', { name: 'Import namespace' }).click();
  const bad = await personas.admin.post('/v2/metadefs/namespaces', { display_name: 'no name' }, { Accept: 'application/json' });
  assert.equal(bad.status, 400);
  await form.getByTestId('import-error').filter({ hasText: (bad.json.message as string).replace(/<br \/>/g, '').trim() }).waitFor();
  await form.getByLabel('Namespace definition (JSON)').fill(JSON.stringify(NAMESPACE));
  await form.getByRole('button', { name: 'Import namespace' }).click();
  await page.getByRole('status').filter({ hasText: 'Imported namespace Test::E2E::Console.' }).waitFor();
  await row(NAMESPACE.namespace).waitFor();
  const shown = (await personas.admin.get(`/v2/metadefs/namespaces/${NAMESPACE.namespace}`)).json;
  assert.deepEqual([shown.display_name, shown.visibility, shown.protected, Object.keys(shown.properties), shown.objects[0].name, shown.tags[0].name], ['E2E console namespace', 'private', false, ['flavour'], 'Thing', 'tagged']);

  // Its page: properties, objects, tags and the prefix.
  await row(NAMESPACE.namespace).getByRole('link', { name: 'E2E console namespace' }).click();
  await page.getByTestId('ns-namespace').filter({ hasText: NAMESPACE.namespace }).waitFor();
  assert.match(await page.getByTestId('ns-properties').innerText(), /flavour[\s\S]*Flavour[\s\S]*one of sweet, sour; default sour/);
  assert.match(await page.getByTestId('ns-objects').innerText(), /Thing[\s\S]*size[\s\S]*integer; ≥ 1/);
  assert.match(await page.getByTestId('ns-tags').innerText(), /tagged/);
  assert.match(await page.locator('dl').innerText(), /OS::Glance::Image \(prefix e2e_\)/);
  await page.goBack();

  // Public and protected; a protected namespace's delete is Glance's 403.
  await row(NAMESPACE.namespace).getByRole('checkbox', { name: `Public: ${NAMESPACE.namespace}` }).click();
  await page.getByRole('status').filter({ hasText: 'visibility public' }).waitFor();
  await row(NAMESPACE.namespace).getByRole('checkbox', { name: `Protected: ${NAMESPACE.namespace}` }).click();
  await page.getByRole('status').filter({ hasText: 'protected true' }).waitFor();
  const now = (await personas.admin.get(`/v2/metadefs/namespaces/${NAMESPACE.namespace}`)).json;
  assert.deepEqual([now.visibility, now.protected, now.display_name, now.description], ['public', true, NAMESPACE.display_name, NAMESPACE.description]);
  await row(NAMESPACE.namespace).getByRole('button', { name: `Delete ${NAMESPACE.namespace}` }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Delete namespace' }).click();
  await page.getByRole('alert').filter({ hasText: `Metadata definition namespace ${NAMESPACE.namespace} is protected and cannot be deleted.` }).waitFor();
  assert.deepEqual(browser.takeErrors().map(withoutUrl), [
    'Failed to load resource: the server responded with a status of 400 (Bad Request)',
    'Failed to load resource: the server responded with a status of 403 (Forbidden)',
  ]);

  // The member: no link, the page sends it back to its images, and the API refuses its changes.
  // (Its own browser: one profile holds one session.)
  const memberBrowser = await launchBrowser();
  const member = await signInAs(personas.login.member, memberBrowser);
  assert.equal(await member.getByRole('link', { name: 'Metadata definitions' }).count(), 0);
  await member.goto(`${server.url}/dashboard/metadefs`);
  await member.waitForURL(/\/dashboard$/);
  const refused = await member.evaluate(async () => (await fetch('/api/console/metadefs/namespaces/Test::E2E::Console', { method: 'DELETE' })).status);
  assert.equal(refused, 403);
  await memberBrowser.close();

  await row(NAMESPACE.namespace).getByRole('checkbox', { name: `Protected: ${NAMESPACE.namespace}` }).click();
  await page.getByRole('status').filter({ hasText: 'protected false' }).waitFor();
  await row(NAMESPACE.namespace).getByRole('button', { name: `Delete ${NAMESPACE.namespace}` }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Delete namespace' }).click();
  await page.getByRole('status').filter({ hasText: `Deleted namespace ${NAMESPACE.namespace}.` }).waitFor();
  await row(NAMESPACE.namespace).waitFor({ state: 'detached' });
  assert.equal((await personas.admin.get(`/v2/metadefs/namespaces/${NAMESPACE.namespace}`)).status, 404);
  await page.close();
  assert.deepEqual(browser.takeErrors(), []);
});

test('quota bars show what GET /v2/info/usage reports, "unlimited" for -1, and follow an upload and a delete', async () => {
  await projectLimit('image_count_total', 40);
  await projectLimit('image_stage_total', -1);
  const usage = async () => (await personas.member.get('/v2/info/usage')).json.usage as Record<string, { usage: number; limit: number }>;
  const page = await signInAs(personas.login.member);
  const bar = (name: string) => page.getByTestId(`quota-${name}`);
  const check = async (u: Record<string, { usage: number; limit: number }>) => {
    for (const [name, { usage: n, limit }] of Object.entries(u)) {
      await bar(name).and(page.locator(`[data-usage="${n}"][data-limit="${limit}"]`)).waitFor();
      const meter = bar(name).getByRole('meter');
      if (limit < 0) {
        assert.equal(await meter.count(), 0);
        assert.match(await bar(name).getByTestId('quota-text').innerText(), /used, unlimited$/);
        continue;
      }
      assert.equal(await meter.getAttribute('aria-valuenow'), String(Math.min(n, limit)));
      assert.equal(await meter.getAttribute('aria-valuemax'), String(limit));
      assert.match(await meter.getAttribute('aria-valuetext') ?? '', new RegExp(`^${n}( MiB)? of ${limit}( MiB)?$`));
    }
  };
  const before = await usage();
  assert.equal(before.image_count_total.limit, 40);
  assert.equal(before.image_stage_total.limit, -1);
  assert.equal(before.image_size_total.limit, 1000);
  await check(before);
  await assertAccessible(page, 'images list with quota bars');

  // An upload from this page: one more image and 2 MiB more data, without a reload.
  await dropFiles(page, '[data-testid=drop-zone]', [{ name: 'quota-bars.qcow2', data: qcow2Bytes(2 * 1024 * 1024 + 17) }]);
  const card = page.getByTestId('upload-card');
  await card.getByRole('button', { name: 'Create and upload' }).click();
  await page.locator('[data-testid=upload-card][data-phase=done]').waitFor({ timeout: 60_000 });
  const id = (await card.getAttribute('data-image-id'))!;
  const grown = await usage();
  assert.equal(grown.image_count_total.usage, before.image_count_total.usage + 1);
  assert.equal(grown.image_size_total.usage, before.image_size_total.usage + 2);
  await check(grown);
  await screenshot(page, 'quota-bars');

  // A delete from the list: back down.
  await page.locator(`[data-testid=image-row][data-image-id="${id}"]`).getByRole('button', { name: 'Delete' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Delete image' }).click();
  await eventually('the image to go', async () => ((await usage()).image_count_total.usage === before.image_count_total.usage ? true : undefined));
  await check(await usage());
  await page.close();
  assert.deepEqual(browser.takeErrors(), []);
});
