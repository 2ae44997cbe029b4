// json.dumps() as Glance (Python) writes it: ", " and ": " separators and
// non-ASCII escaped, so bodies and Content-Length match Glance byte for byte.
function str(s: string): string {
  return JSON.stringify(s).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export function pyJson(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return str(v);
  if (typeof v === 'number' || typeof v === 'boolean') return JSON.stringify(v);
  if (typeof v === 'bigint') return v.toString();
  if (Array.isArray(v)) return `[${v.map(pyJson).join(', ')}]`;
  const entries = Object.entries(v as object).filter(([, x]) => x !== undefined);
  return `{${entries.map(([k, x]) => `${str(k)}: ${pyJson(x)}`).join(', ')}}`;
}
