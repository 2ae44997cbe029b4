// The rules in force: Glance's defaults, overridden rule by rule by the
// operator's oslo.policy file (YAML or JSON, `name: "check string"`). Every
// rule is parsed and every `rule:` reference resolved when loaded, so a bad
// file stops start-up with its name and the rule at fault.
import { readFileSync, statSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { CheckStringError, parseCheckString, referencedRules, type Check } from './check-string';
import { DEFAULT_RULES } from './defaults';

/** A policy file is a few kilobytes; anything this large is a mistake. */
const MAX_POLICY_FILE_BYTES = 1024 * 1024;

export class PolicyFileError extends Error {}

export interface RuleSet {
  /** The parsed rule, if there is one by that name. */
  get(name: string): Check | undefined;
  /** The policy file the overrides came from, if any. */
  readonly source: string | null;
  /** Rules the file names that Glance does not define and nothing refers to (likely typos). */
  readonly unused: string[];
}

function fileError(source: string | null, message: string): PolicyFileError {
  return new PolicyFileError(source ? `policy file ${source}: ${message}` : message);
}

/** Parse defaults plus overrides; check references exist and do not loop. */
export function buildRuleSet(overrides: Record<string, string>, source: string | null = null): RuleSet {
  const rules = new Map<string, Check>();
  const texts: Record<string, string> = { ...DEFAULT_RULES, ...overrides };
  for (const [name, text] of Object.entries(texts)) {
    try {
      rules.set(name, parseCheckString(text));
    } catch (err) {
      if (!(err instanceof CheckStringError)) throw err;
      throw fileError(Object.hasOwn(overrides, name) ? source : null, `rule "${name}": ${err.message}`);
    }
  }
  const referenced = new Set<string>();
  for (const [name, check] of rules) {
    for (const ref of referencedRules(check)) {
      if (!rules.has(ref)) throw fileError(source, `rule "${name}" refers to undefined rule "${ref}"`);
      referenced.add(ref);
    }
  }
  assertNoCycles(rules, source);
  const unused = Object.keys(overrides).filter((n) => !Object.hasOwn(DEFAULT_RULES, n) && !referenced.has(n));
  return { get: (name) => rules.get(name), source, unused };
}

function assertNoCycles(rules: Map<string, Check>, source: string | null): void {
  const done = new Set<string>();
  const visit = (name: string, path: string[]) => {
    if (done.has(name)) return;
    if (path.includes(name)) throw fileError(source, `rule "${name}" refers to itself: ${[...path, name].join(' -> ')}`);
    for (const ref of referencedRules(rules.get(name)!)) visit(ref, [...path, name]);
    done.add(name);
  };
  for (const name of rules.keys()) visit(name, []);
}

/** The overrides in an oslo.policy file: a mapping of rule names to check strings. */
export function readPolicyFile(file: string): Record<string, string> {
  let text: string;
  try {
    if (statSync(/*turbopackIgnore: true*/ file).size > MAX_POLICY_FILE_BYTES) throw fileError(file, `larger than ${MAX_POLICY_FILE_BYTES} bytes`);
    text = readFileSync(/*turbopackIgnore: true*/ file, 'utf8');
  } catch (err) {
    if (err instanceof PolicyFileError) throw err;
    throw fileError(file, `cannot be read: ${(err as Error).message}`);
  }
  let doc: unknown;
  try {
    doc = parseYaml(text, { maxAliasCount: 50, uniqueKeys: true });
  } catch (err) {
    throw fileError(file, `not valid YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  if (doc === null || doc === undefined) return {}; // an empty file (or only comments) overrides nothing
  if (typeof doc !== 'object' || Array.isArray(doc)) throw fileError(file, 'must be a mapping of rule names to check strings');
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(doc as Record<string, unknown>)) {
    if (typeof value !== 'string') throw fileError(file, `rule "${name}": the check string must be a string, got ${(JSON.stringify(value) ?? typeof value).slice(0, 80)}`);
    out[name] = value;
  }
  return out;
}

export function loadRuleSet(file: string | null): RuleSet {
  return file ? buildRuleSet(readPolicyFile(file), file) : buildRuleSet({});
}
