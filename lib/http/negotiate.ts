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
  /** Media type parameters (before q): such a range matches only an offer with the same ones, and ours have none. */
  hasParams: boolean;
}

const TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
const QUOTED = '"(?:[\\t \\x21\\x23-\\x5b\\x5d-\\x7e\\x80-\\xff]|\\\\[\\t \\x21-\\x7e\\x80-\\xff])*"';
const MEDIA_PARAM = new RegExp(`^${TOKEN}=(?:${TOKEN}|${QUOTED})$`);
const ACCEPT_EXT = new RegExp(`^${TOKEN}(?:=(?:${TOKEN}|${QUOTED}))?$`);

function parseAccept(header: string): Range[] | null {
  const ranges: Range[] = [];
  for (const item of header.split(',')) {
    const [media, ...params] = item.split(';').map((s) => s.trim());
    if (media === '') continue;
    const m = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+)\/([!#$%&'*+.^_`|~0-9A-Za-z-]+)$/.exec(media);
    if (!m) return null;
    let q: number | null = null;
    let hasParams = false;
    for (const p of params) {
      if (q === null && /^q=/i.test(p)) {
        if (!/^(0(\.\d{0,3})?|1(\.0{0,3})?)$/.test(p.slice(2))) return null;
        q = Number(p.slice(2));
      } else if (q === null) {
        // No spaces around "=", as RFC 7231's grammar (and webob) require.
        if (!MEDIA_PARAM.test(p)) return null;
        hasParams = true;
      } else if (!ACCEPT_EXT.test(p)) return null;
    }
    ranges.push({ type: m[1].toLowerCase(), subtype: m[2].toLowerCase(), q: q ?? 1, hasParams });
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
        r.type === type && r.subtype === subtype ? (r.hasParams ? 0 : 3) : r.type === type && r.subtype === '*' ? 2 : r.type === '*' && r.subtype === '*' ? 1 : 0;
      if (specificity > (match?.specificity ?? 0)) match = { q: r.q, specificity };
    }
    if (match && match.q > 0 && (!best || match.q > best.q)) best = { format: subtype === 'html' ? 'html' : 'json', q: match.q };
  }
  return best?.format ?? 'plain';
}
