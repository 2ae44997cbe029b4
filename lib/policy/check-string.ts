// oslo.policy's check-string language: `role:X`, `rule:NAME`, `kind:%(key)s`
// (a credential compared with a target value), `'literal':%(key)s`, `@`, `!`,
// `not`, `and`, `or` and parentheses, with `and` binding tighter than `or`.
// Unlike oslo.policy, text it cannot understand is an error, never a silent
// "deny": a policy file with a typo must not start.

export type Check =
  | { kind: 'true' }
  | { kind: 'false' }
  | { kind: 'not'; check: Check }
  | { kind: 'and'; checks: Check[] }
  | { kind: 'or'; checks: Check[] }
  | { kind: 'rule'; name: string }
  | { kind: 'role'; match: string }
  /** `left:match`: `left` is a credential path (project_id, user.id) or a quoted/Python literal. */
  | { kind: 'generic'; left: string; literal: string | null; match: string };

/** What a request brings: oslo.policy's "creds". */
export interface Credentials {
  roles: string[];
  project_id: string | null;
  user_id: string | null;
  is_admin: boolean;
}

/** What is acted upon: values that `%(key)s` refers to. */
export type Target = Readonly<Record<string, string | number | boolean | null | undefined>>;

export class CheckStringError extends Error {}

/** Long enough for any real rule (Glance's longest is ~250 characters). */
export const MAX_CHECK_STRING_LENGTH = 4096;
const MAX_DEPTH = 32;

type Token = { type: '(' | ')' | 'and' | 'or' | 'not' } | { type: 'check'; check: Check };

/** Python's `%(key)s` formatting with `%%`; anything else is an error. */
function assertFormat(match: string): void {
  const rest = match.replace(/%%|%\(([A-Za-z_][\w.]*)\)s/g, '');
  if (rest.includes('%')) throw new CheckStringError(`cannot understand "${match}": only %(name)s substitutions are allowed`);
}

/** Python literals oslo.policy accepts on the left of a generic check. */
function literalOf(left: string): string | null {
  if (left.length >= 2 && (left[0] === "'" || left[0] === '"') && left[left.length - 1] === left[0]) return left.slice(1, -1);
  if (left === 'True' || left === 'False' || left === 'None') return left;
  if (/^-?\d+$/.test(left)) return String(Number(left));
  return null;
}

export function parseAtom(text: string): Check {
  if (text === '@') return { kind: 'true' };
  if (text === '!') return { kind: 'false' };
  const colon = text.indexOf(':');
  if (colon <= 0) throw new CheckStringError(`cannot understand "${text}": expected kind:match, @ or !`);
  const left = text.slice(0, colon);
  const match = text.slice(colon + 1);
  if (left === 'rule') {
    if (!/^[\w:.-]+$/.test(match)) throw new CheckStringError(`cannot understand "${text}": not a rule name`);
    return { kind: 'rule', name: match };
  }
  assertFormat(match);
  if (left === 'role') return { kind: 'role', match };
  if (left === 'http' || left === 'https') throw new CheckStringError(`"${text}": remote (http) checks are not supported`);
  const literal = literalOf(left);
  if (literal === null && !/^[A-Za-z_][\w]*(\.[A-Za-z_][\w]*)*$/.test(left)) {
    throw new CheckStringError(`cannot understand "${text}": "${left}" is neither a credential nor a literal`);
  }
  return { kind: 'generic', left, literal, match };
}

/** oslo.policy's tokenizer: split on whitespace, peel parentheses off each word's ends. */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  for (const word of text.split(/\s+/)) {
    if (!word) continue;
    let start = 0;
    while (start < word.length && word[start] === '(') {
      tokens.push({ type: '(' });
      start++;
    }
    let end = word.length;
    while (end > start && word[end - 1] === ')') end--;
    const core = word.slice(start, end);
    if (core) {
      const lowered = core.toLowerCase();
      if (lowered === 'and' || lowered === 'or' || lowered === 'not') tokens.push({ type: lowered });
      else tokens.push({ type: 'check', check: parseAtom(core) });
    }
    for (let i = end; i < word.length; i++) tokens.push({ type: ')' });
  }
  return tokens;
}

/** Parse a check string; the empty string allows everything, as in oslo.policy. */
export function parseCheckString(text: string): Check {
  if (text.length > MAX_CHECK_STRING_LENGTH) throw new CheckStringError(`longer than ${MAX_CHECK_STRING_LENGTH} characters`);
  const tokens = tokenize(text);
  if (tokens.length === 0) return { kind: 'true' };
  let pos = 0;
  const peek = () => tokens[pos]?.type;
  const fail = (what: string): never => {
    throw new CheckStringError(`${what} in "${text}"`);
  };

  const orExpr = (depth: number): Check => {
    const checks = [andExpr(depth)];
    while (peek() === 'or') {
      pos++;
      checks.push(andExpr(depth));
    }
    return checks.length === 1 ? checks[0] : { kind: 'or', checks };
  };
  const andExpr = (depth: number): Check => {
    const checks = [unary(depth)];
    while (peek() === 'and') {
      pos++;
      checks.push(unary(depth));
    }
    return checks.length === 1 ? checks[0] : { kind: 'and', checks };
  };
  const unary = (depth: number): Check => {
    if (depth > MAX_DEPTH) fail(`nested deeper than ${MAX_DEPTH}`);
    const tok = tokens[pos];
    if (!tok) return fail('unexpected end');
    if (tok.type === 'not') {
      pos++;
      return { kind: 'not', check: unary(depth + 1) };
    }
    if (tok.type === '(') {
      pos++;
      const inner = orExpr(depth + 1);
      if (peek() !== ')') fail('missing ")"');
      pos++;
      return inner;
    }
    if (tok.type === 'check') {
      pos++;
      return tok.check;
    }
    return fail(`unexpected "${tok.type}"`);
  };

  const check = orExpr(0);
  if (pos !== tokens.length) fail(`unexpected "${tokens[pos].type}"`);
  return check;
}

/** `%(key)s` filled from the target; null when a key is missing or has no value (the check then fails). */
export function interpolate(match: string, target: Target): string | null {
  let missing = false;
  const out = match.replace(/%%|%\(([\w.]+)\)s/g, (whole, key: string | undefined) => {
    if (key === undefined) return '%';
    const v = Object.hasOwn(target, key) ? target[key] : undefined;
    if (v === null || v === undefined) {
      missing = true;
      return '';
    }
    return typeof v === 'boolean' ? (v ? 'True' : 'False') : String(v);
  });
  return missing ? null : out;
}

function credential(creds: Credentials, path: string): unknown {
  let v: unknown = creds;
  for (const segment of path.split('.')) {
    if (v === null || typeof v !== 'object' || !Object.hasOwn(v, segment)) return undefined;
    v = (v as Record<string, unknown>)[segment];
  }
  return v;
}

function matches(value: unknown, expected: string): boolean {
  if (Array.isArray(value)) return value.some((v) => matches(v, expected));
  if (value === null || value === undefined) return false; // an absent project never equals anything
  if (typeof value === 'boolean') return expected === (value ? 'True' : 'False');
  return String(value) === expected;
}

export type RuleLookup = (name: string) => Check | undefined;

/** Evaluate a parsed check; `rule:` names are looked up (an unknown one denies, as in oslo.policy). */
export function evaluate(check: Check, target: Target, creds: Credentials, rules: RuleLookup, depth = 0): boolean {
  if (depth > MAX_DEPTH) return false; // rule references are checked for cycles when loaded; this is a backstop
  switch (check.kind) {
    case 'true':
      return true;
    case 'false':
      return false;
    case 'not':
      return !evaluate(check.check, target, creds, rules, depth);
    case 'and':
      return check.checks.every((c) => evaluate(c, target, creds, rules, depth));
    case 'or':
      return check.checks.some((c) => evaluate(c, target, creds, rules, depth));
    case 'rule': {
      const rule = rules(check.name);
      return rule ? evaluate(rule, target, creds, rules, depth + 1) : false;
    }
    case 'role': {
      const want = interpolate(check.match, target);
      return want !== null && creds.roles.some((r) => r.toLowerCase() === want.toLowerCase());
    }
    case 'generic': {
      const want = interpolate(check.match, target);
      if (want === null) return false;
      if (check.literal !== null) return check.literal === want;
      return matches(credential(creds, check.left), want);
    }
  }
}

/** The `rule:` names a check refers to. */
export function referencedRules(check: Check): string[] {
  switch (check.kind) {
    case 'rule':
      return [check.name];
    case 'not':
      return referencedRules(check.check);
    case 'and':
    case 'or':
      return check.checks.flatMap(referencedRules);
    default:
      return [];
  }
}
