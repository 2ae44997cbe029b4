// Python's repr() and pprint.pformat(width=72) for JSON values: Glance's
// validation errors are jsonschema's str(error), which prints the failing
// schema fragment and instance this way, and clients see that text verbatim.

/** repr() of a Python str. */
function reprString(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    const code = ch.codePointAt(0)!;
    if (ch === '\\') out += '\\\\';
    else if (ch === quote) out += `\\${quote}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else if (code >= 0x80 && code < 0xa0) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return out + quote;
}

function reprNumber(n: number): string {
  return Number.isInteger(n) ? BigInt(n).toString() : String(n);
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
  if (rep.length <= WIDTH - indent - allowance) {
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
      format(x, out, inner + key.length + 2, last ? allowance + 1 : 1, level + 1);
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

/** pprint's _pprint_str: a long string is split at whitespace into adjacent literals. */
function formatLongString(s: string, indent: number, allowance: number, level: number): string {
  const chunks: string[] = [];
  const lines = s.match(/[^\n]*\n|[^\n]+$/g) ?? [s];
  if (level === 1) {
    indent += 1;
    allowance += 1;
  }
  let maxWidth1 = WIDTH - indent;
  const maxWidth = maxWidth1;
  lines.forEach((line, i) => {
    const rep = reprString(line);
    if (i === lines.length - 1) maxWidth1 -= allowance;
    if (rep.length <= maxWidth1) {
      chunks.push(rep);
      return;
    }
    const parts = line.match(/\S*\s*/g)!.slice(0, -1); // the last match is always empty
    let current = '';
    parts.forEach((part, j) => {
      let maxWidth2 = maxWidth;
      if (i === lines.length - 1 && j === parts.length - 1) maxWidth2 -= allowance;
      const candidate = current + part;
      if (reprString(candidate).length > maxWidth2) {
        if (current) chunks.push(reprString(current));
        current = part;
      } else {
        current = candidate;
      }
    });
    if (current) chunks.push(reprString(current));
  });
  if (chunks.length === 1) return chunks[0];
  const body = chunks.join('\n' + ' '.repeat(indent));
  return level === 1 ? `(${body})` : body;
}
