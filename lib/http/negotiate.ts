// Which error format webob picks for an Accept header: text/html or
// application/json by quality and specificity (RFC 7231), else text/plain.
export type ErrorFormat = 'html' | 'json' | 'plain';

const OFFERS = [
  ['text', 'html'],
  ['application', 'json'],
] as const;

interface Range {
  type: string;
  subtype: string;
  q: number;
}

function parseAccept(header: string): Range[] | null {
  const ranges: Range[] = [];
  for (const item of header.split(',')) {
    const [media, ...params] = item.split(';').map((s) => s.trim());
    if (media === '') continue;
    const m = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+)\/([!#$%&'*+.^_`|~0-9A-Za-z-]+)$/.exec(media);
    if (!m) return null;
    let q = 1;
    for (const p of params) {
      const [name, value] = p.split('=').map((s) => s.trim());
      if (name.toLowerCase() === 'q') {
        if (!/^(0(\.\d{0,3})?|1(\.0{0,3})?)$/.test(value ?? '')) return null;
        q = Number(value);
      }
    }
    ranges.push({ type: m[1].toLowerCase(), subtype: m[2].toLowerCase(), q });
  }
  return ranges;
}

export function errorFormat(accept: string | null): ErrorFormat {
  // webob reads a missing header as an empty (valid) one: nothing acceptable.
  const ranges = parseAccept(accept ?? '');
  // An unparseable header accepts everything; the first offer wins.
  if (ranges === null) return 'html';
  let best: { format: ErrorFormat; q: number } | null = null;
  for (const [type, subtype] of OFFERS) {
    let match: { q: number; specificity: number } | null = null;
    for (const r of ranges) {
      const specificity =
        r.type === type && r.subtype === subtype ? 3 : r.type === type && r.subtype === '*' ? 2 : r.type === '*' && r.subtype === '*' ? 1 : 0;
      if (specificity > (match?.specificity ?? 0)) match = { q: r.q, specificity };
    }
    if (match && match.q > 0 && (!best || match.q > best.q)) best = { format: subtype === 'html' ? 'html' : 'json', q: match.q };
  }
  return best?.format ?? 'plain';
}
