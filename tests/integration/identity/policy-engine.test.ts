// The policy engine on its own: oslo.policy's check-string language (parse
// and evaluate), Glance's default rules for each persona, the policy-file
// loader's refusals, and the config's fail-closed flavor. No server needed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CheckStringError, evaluate, parseCheckString, type Credentials, type Target } from '../../../lib/policy/check-string';
import { buildRuleSet, loadRuleSet, PolicyFileError } from '../../../lib/policy/rules';
import { ConfigError, parseConfig } from '../../../lib/config';

const creds = (roles: string[], project: string | null = 'p1', isAdmin = false): Credentials => ({ roles, project_id: project, user_id: 'u1', is_admin: isAdmin });
const check = (text: string, c: Credentials, target: Target = {}) => evaluate(parseCheckString(text), target, c, () => undefined);

test('check strings: roles, target matches, literals, @ and !, not/and/or precedence and parentheses', () => {
  assert.equal(check('', creds([])), true, 'an empty rule allows everyone');
  assert.equal(check('@', creds([])), true);
  assert.equal(check('!', creds(['admin'])), false);
  assert.equal(check('role:admin', creds(['Admin'])), true, 'role names compare case-insensitively');
  assert.equal(check('role:admin', creds(['member'])), false);
  assert.equal(check('project_id:%(project_id)s', creds([]), { project_id: 'p1' }), true);
  assert.equal(check('project_id:%(project_id)s', creds([]), { project_id: 'p2' }), false);
  assert.equal(check('project_id:%(project_id)s', creds([], null), { project_id: null }), false, 'no project never matches no owner');
  assert.equal(check('project_id:%(missing)s', creds([]), {}), false, 'a missing key denies');
  assert.equal(check("'public':%(visibility)s", creds([]), { visibility: 'public' }), true);
  assert.equal(check("'public':%(visibility)s", creds([]), { visibility: 'shared' }), false);
  assert.equal(check('is_admin:True', creds([], 'p1', true)), true);
  assert.equal(check('is_admin:True', creds([], 'p1', false)), false);
  assert.equal(check('role:%(wanted)s', creds(['x']), { wanted: 'x' }), true);
  // and binds tighter than or: admin or (member and project)
  const t = { project_id: 'p2' };
  assert.equal(check('role:admin or role:member and project_id:%(project_id)s', creds(['member']), t), false);
  assert.equal(check('(role:admin or role:member) and project_id:%(project_id)s', creds(['admin']), t), false);
  assert.equal(check('role:admin or role:member and project_id:%(project_id)s', creds(['admin']), t), true);
  assert.equal(check('not role:reader', creds(['reader'])), false);
  assert.equal(check('not (role:reader or role:member)', creds(['admin'])), true);
  assert.equal(check('((role:a))', creds(['a'])), true);
  assert.equal(check('role:a AND NOT role:b', creds(['a'])), true, 'operators are case-insensitive');
});

test('check strings it cannot understand are errors, not silent denials', () => {
  for (const bad of ['role:admin and', '(role:admin', 'role:admin)', 'or role:admin', 'admin', 'role:admin role:member',
    'project_id:%(project_id)d', 'http://example.com/check', 'rule:', 'not', '()', 'fo-o:bar',
    `${'('.repeat(40)}@${')'.repeat(40)}`, `role:${'a'.repeat(5000)}`]) {
    assert.throws(() => parseCheckString(bad), CheckStringError, bad.slice(0, 40));
  }
});

test("Glance's default rules: reader reads, member of the owner writes, admin administers", () => {
  const rules = buildRuleSet({});
  const allowed = (rule: string, c: Credentials, target: Target) => evaluate(rules.get(rule)!, target, c, (n) => rules.get(n));
  const ownImage: Target = { project_id: 'p1', owner: 'p1', member_id: null, visibility: 'shared' };
  const foreignPublic: Target = { project_id: 'p2', owner: 'p2', member_id: null, visibility: 'public' };
  const reader = creds(['reader']);
  const member = creds(['member', 'reader']);
  const admin = creds(['admin', 'member', 'reader'], 'p9');
  for (const rule of ['get_image', 'get_images', 'get_members', 'get_member']) assert.equal(allowed(rule, reader, ownImage), true, rule);
  for (const rule of ['add_image', 'modify_image', 'delete_image', 'upload_image', 'download_image', 'deactivate', 'reactivate', 'add_member', 'delete_member', 'communitize_image', 'publicize_image']) {
    assert.equal(allowed(rule, reader, ownImage), false, `reader ${rule}`);
  }
  for (const rule of ['add_image', 'modify_image', 'delete_image', 'upload_image', 'download_image', 'deactivate', 'reactivate', 'add_member', 'delete_member', 'communitize_image']) {
    assert.equal(allowed(rule, member, ownImage), true, `member ${rule}`);
  }
  assert.equal(allowed('publicize_image', member, ownImage), false);
  assert.equal(allowed('get_image', member, foreignPublic), true);
  assert.equal(allowed('download_image', member, foreignPublic), true);
  for (const rule of ['modify_image', 'delete_image', 'deactivate']) assert.equal(allowed(rule, member, foreignPublic), false, `foreign ${rule}`);
  assert.equal(allowed('modify_member', member, { ...foreignPublic, visibility: 'shared', member_id: 'p1' }), true, 'a share is accepted by its member');
  assert.equal(allowed('modify_member', member, ownImage), false, 'not by the owner');
  for (const rule of ['publicize_image', 'delete_image', 'deactivate', 'stores_info_detail', 'delete_image_location']) assert.equal(allowed(rule, admin, foreignPublic), true, `admin ${rule}`);
  assert.equal(allowed('context_is_admin', admin, {}), true);
  assert.equal(allowed('context_is_admin', member, {}), false);
});

test('policy files: overrides apply; errors name the file and the rule', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'policy-'));
  try {
    const file = (name: string, text: string) => {
      const f = path.join(dir, name);
      writeFileSync(f, text);
      return f;
    };
    const good = loadRuleSet(file('good.yaml', '# operator overrides\n"delete_image": "role:admin"\nis_owner: "project_id:%(project_id)s"\nmodify_image: "rule:is_owner and role:member"\ntypo_rule: "@"\n'));
    const member = creds(['member']);
    const own: Target = { project_id: 'p1' };
    assert.equal(evaluate(good.get('delete_image')!, own, member, (n) => good.get(n)), false);
    assert.equal(evaluate(good.get('modify_image')!, own, member, (n) => good.get(n)), true);
    assert.deepEqual(good.unused, ['typo_rule']);
    assert.equal(loadRuleSet(file('empty.yaml', '# nothing\n')).get('delete_image') !== undefined, true);
    assert.equal(loadRuleSet(file('policy.json', '{"upload_image": "role:reader"}')).source?.endsWith('policy.json'), true, 'JSON is YAML');

    const cases: [string, string, RegExp][] = [
      ['syntax.yaml', 'delete_image: "role:admin and"\n', /syntax\.yaml: rule "delete_image": unexpected end/],
      ['undefined.yaml', 'delete_image: "rule:nope"\n', /undefined\.yaml: rule "delete_image" refers to undefined rule "nope"/],
      ['loop.yaml', 'a: "rule:b"\nb: "rule:a"\n', /loop\.yaml: rule "a" refers to itself: a -> b -> a/],
      ['notstring.yaml', 'delete_image: [role:admin]\n', /notstring\.yaml: rule "delete_image": the check string must be a string/],
      ['list.yaml', '- role:admin\n', /list\.yaml: must be a mapping/],
      ['broken.yaml', 'delete_image: "role:admin\n', /broken\.yaml: not valid YAML/],
      ['dupe.yaml', 'delete_image: "@"\ndelete_image: "!"\n', /dupe\.yaml: not valid YAML/],
    ];
    for (const [name, text, message] of cases) assert.throws(() => loadRuleSet(file(name, text)), (err: Error) => err instanceof PolicyFileError && message.test(err.message), name);
    assert.throws(() => loadRuleSet(path.join(dir, 'absent.yaml')), /absent\.yaml: cannot be read/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('config: no flavor (or no file) is keystone; noauth only when written; policy_file is resolved or refused', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'conf-'));
  try {
    const conf = path.join(dir, 'glance-api.conf');
    assert.equal(parseConfig('', null).authFlavor, 'keystone');
    assert.equal(parseConfig('[DEFAULT]\nbind_port = 9393\n', conf).authFlavor, 'keystone');
    assert.equal(parseConfig('[paste_deploy]\nflavor =\n', conf).authFlavor, 'keystone');
    assert.equal(parseConfig('[paste_deploy]\nflavor = noauth\n', conf).authFlavor, 'noauth');
    assert.equal(parseConfig('[paste_deploy]\nflavor = trusted-headers\n', conf).authFlavor, 'trusted-headers');
    assert.throws(() => parseConfig('[paste_deploy]\nflavor = none\n', conf), ConfigError);

    assert.equal(parseConfig('', conf, dir).policyFile, null, 'no policy.yaml beside the config: defaults only');
    writeFileSync(path.join(dir, 'policy.yaml'), 'delete_image: "role:admin"\n');
    assert.equal(parseConfig('', conf, dir).policyFile, path.join(dir, 'policy.yaml'), 'policy.yaml beside the config is used');
    assert.equal(parseConfig('[oslo_policy]\npolicy_file = policy.yaml\n', conf, '/').policyFile, path.join(dir, 'policy.yaml'));
    assert.throws(() => parseConfig('[oslo_policy]\npolicy_file = other.yaml\n', conf, dir), /policy_file other\.yaml not found/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
