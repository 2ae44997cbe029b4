// Python's repr() and pprint.pformat(width=72) for JSON values: Glance's
// validation errors are jsonschema's str(error), which prints the failing
// schema fragment and instance this way, and clients see that text verbatim.
// Every function here is linear in its input (one regex pass per string, no
// per-character string building), and one string shows at most
// MAX_SHOWN_CHARS characters, so a huge value cannot make a huge message.

/** Longer strings are cut here and marked with "...": more than any body the default size limit admits. */
export const MAX_SHOWN_CHARS = 131072;

/** Characters Python's repr() escapes: backslash, quotes, \t\n\r and what str.isprintable() rejects. */
const ESCAPED = /[\\'"\t\n\r]|(?! )[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/gu;

function hex(code: number, width: number): string {
  return code.toString(16).padStart(width, '0');
}

/** repr() of one escaped character (quotes handled by the caller). */
function escapeChar(ch: string): string {
  if (ch === '\\') return '\\\\';
  if (ch === '\n') return '\\n';
  if (ch === '\r') return '\\r';
  if (ch === '\t') return '\\t';
  const code = ch.codePointAt(0)!;
  if (code < 0x100) return `\\x${hex(code, 2)}`;
  if (code < 0x10000) return `\\u${hex(code, 4)}`;
  return `\\U${hex(code, 8)}`;
}

function shown(s: string): { text: string; cut: boolean } {
  return s.length > MAX_SHOWN_CHARS ? { text: s.slice(0, MAX_SHOWN_CHARS), cut: true } : { text: s, cut: false };
}

/** repr() of a Python str (cut with "..." past MAX_SHOWN_CHARS). */
export function reprString(s: string): string {
  const { text, cut } = shown(s);
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  const body = text.replace(ESCAPED, (ch) => (ch === '"' || ch === "'" ? (ch === quote ? `\\${ch}` : ch) : escapeChar(ch)));
  return `${quote}${body}${quote}${cut ? '...' : ''}`;
}

function reprNumber(n: number): string {
  if (!Number.isFinite(n)) return Number.isNaN(n) ? 'nan' : n > 0 ? 'inf' : '-inf';
  return Number.isInteger(n) && Math.abs(n) < 1e21 ? BigInt(n).toString() : String(n);
}

/** repr() of the Python value json.loads would give for this JSON value (pprint's repr sorts dict keys). */
export function pyRepr(v: unknown, sortKeys = false): string {
  if (v === null || v === undefined) return 'None';
  if (typeof v === 'string') return reprString(v);
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'number') return reprNumber(v);
  if (Array.isArray(v)) return `[${v.map((x) => pyRepr(x, sortKeys)).join(', ')}]`;
  const entries = sortKeys ? sortedEntries(v as object) : Object.entries(v as object);
  return `{${entries.map(([k, x]) => `${reprString(k)}: ${pyRepr(x, sortKeys)}`).join(', ')}}`;
}

const WIDTH = 72;

/** Python's len(): code points, not UTF-16 units. */
function pyLen(s: string): number {
  let surrogates = 0;
  for (const _ of s.matchAll(/[\ud800-\udbff][\udc00-\udfff]/g)) surrogates++;
  return s.length - surrogates;
}

/** pprint.pformat(value, width=72): dict keys sorted, one item per line when too wide. */
export function pformat(v: unknown): string {
  const out: string[] = [];
  format(v, out, 0, 0, 1);
  return out.join('');
}

function sortedEntries(o: object): [string, unknown][] {
  return Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

function format(v: unknown, out: string[], indent: number, allowance: number, level: number): void {
  const rep = pyRepr(v, true);
  if (pyLen(rep) <= WIDTH - indent - allowance) {
    out.push(rep);
    return;
  }
  if (Array.isArray(v) && v.length > 0) {
    out.push('[');
    const inner = indent + 1;
    v.forEach((item, i) => {
      if (i > 0) out.push(',\n' + ' '.repeat(inner));
      format(item, out, inner, i === v.length - 1 ? allowance + 1 : 1, level + 1);
    });
    out.push(']');
    return;
  }
  if (v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length > 0) {
    out.push('{');
    const inner = indent + 1;
    const entries = sortedEntries(v);
    entries.forEach(([k, x], i) => {
      const last = i === entries.length - 1;
      const key = reprString(k);
      out.push(key, ': ');
      format(x, out, inner + pyLen(key) + 2, last ? allowance + 1 : 1, level + 1);
      if (!last) out.push(',\n' + ' '.repeat(inner));
    });
    out.push('}');
    return;
  }
  if (typeof v === 'string' && v.length > 0) {
    out.push(formatLongString(v, indent, allowance, level));
    return;
  }
  out.push(rep);
}

// str.splitlines(True) and re.findall(r'\S*\s*') with Python's line breaks and whitespace.
const LINE_BREAKS = '\\n\\r\\x0b\\x0c\\x1c-\\x1e\\x85\\u2028\\u2029';
const LINES = new RegExp(`[^${LINE_BREAKS}]*(?:\\r\\n|[${LINE_BREAKS}])|[^${LINE_BREAKS}]+$`, 'g');
const SPACE = '\\t\\n\\x0b\\x0c\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const WORDS = new RegExp(`[^${SPACE}]*[${SPACE}]*`, 'g');

/** What len(repr(s)) needs to know about s, summable over concatenations. */
interface ReprSize {
  cost: number; // code points of the escaped text, quotes not escaped
  singles: number;
  hasDouble: boolean;
}

const ESCAPED_ONE = new RegExp(ESCAPED.source, 'u');
const SURROGATE_PAIR = /[\ud800-\udbff][\udc00-\udfff]/;

function reprSize(s: string): ReprSize {
  // Most words need no escaping: skip the per-match walk for them.
  if (!ESCAPED_ONE.test(s)) return { cost: SURROGATE_PAIR.test(s) ? pyLen(s) : s.length, singles: 0, hasDouble: false };
  const size: ReprSize = { cost: pyLen(s), singles: 0, hasDouble: false };
  for (const [ch] of s.matchAll(ESCAPED)) {
    if (ch === "'") size.singles++;
    else if (ch === '"') size.hasDouble = true;
    else size.cost += escapeChar(ch).length - 1;
  }
  return size;
}

function plus(a: ReprSize, b: ReprSize): ReprSize {
  return { cost: a.cost + b.cost, singles: a.singles + b.singles, hasDouble: a.hasDouble || b.hasDouble };
}

/** len(repr(s)): a quote is escaped only when the string holds both kinds. */
function reprLength(size: ReprSize): number {
  return 2 + size.cost + (size.singles > 0 && size.hasDouble ? size.singles : 0);
}

const EMPTY: ReprSize = { cost: 0, singles: 0, hasDouble: false };

/** pprint's _pprint_str: a long string is split at whitespace into adjacent literals. */
function formatLongString(s: string, indent: number, allowance: number, level: number): string {
  const { text, cut } = shown(s);
  const chunks: string[] = [];
  const lines = text.match(LINES) ?? [text];
  if (level === 1) {
    indent += 1;
    allowance += 1;
  }
  let maxWidth1 = WIDTH - indent;
  const maxWidth = maxWidth1;
  lines.forEach((line, i) => {
    const lastLine = i === lines.length - 1;
    if (lastLine) maxWidth1 -= allowance;
    if (reprLength(reprSize(line)) <= maxWidth1) {
      chunks.push(reprString(line));
      return;
    }
    const parts = line.match(WORDS)!.slice(0, -1); // the last match is always empty
    let current = '';
    let currentSize = EMPTY;
    parts.forEach((part, j) => {
      let maxWidth2 = maxWidth;
      if (lastLine && j === parts.length - 1) maxWidth2 -= allowance;
      const partSize = reprSize(part);
      const candidate = plus(currentSize, partSize);
      if (reprLength(candidate) > maxWidth2) {
        if (current) chunks.push(reprString(current));
        current = part;
        currentSize = partSize;
      } else {
        current += part;
        currentSize = candidate;
      }
    });
    if (current) chunks.push(reprString(current));
  });
  if (cut) chunks.push('...');
  if (chunks.length === 1) return chunks[0];
  const body = chunks.join('\n' + ' '.repeat(indent));
  return level === 1 ? `(${body})` : body;
}
