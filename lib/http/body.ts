// JSON request bodies, bounded while they are read: oslo.middleware's
// sizelimit (max_request_body_size) refuses a declared Content-Length over the
// limit before reading a byte, and stops a chunked body as soon as it passes
// the limit. Parsing is strict UTF-8 (as oslo's jsonutils) and refuses deep
// nesting, so no body costs more than its size to read, parse and report on.
import { getConfig } from '@/lib/config';

/** The body is larger than the limit; the message is oslo's. */
export class BodyTooLarge extends Error {}

/**
 * The body is not JSON this service accepts. `detail` is null where Glance
 * itself says only "Malformed JSON" (syntax, invalid UTF-8), and names the
 * reason for what Glance fails on with a 500 (lone surrogates, deep nesting).
 */
export class MalformedJson extends Error {
  constructor(readonly detail: string | null) {
    super(detail ?? 'malformed JSON');
  }

  /** In the words of the API's own message, e.g. "Malformed JSON in request body". */
  describe(prefix: string): string {
    return this.detail ? `${prefix}: ${this.detail}.` : `${prefix}.`;
  }
}

/** Deeper nesting than any request to this API needs; bounds every recursive walk of a body. */
export const MAX_JSON_DEPTH = 32;

/** The whole body, or BodyTooLarge once more than `limit` bytes are declared or have arrived. */
export async function readBoundedBody(req: Request, limit: number = getConfig().maxRequestBodySize): Promise<Uint8Array> {
  const declared = Number(req.headers.get('content-length') ?? NaN);
  if (declared > limit) throw new BodyTooLarge(`Request is too large. Larger than max_request_body_size (${limit}).`);
  if (!req.body) return new Uint8Array(0);
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      // Stop reading: the rest of the body is never buffered.
      await reader.cancel().catch(() => undefined);
      throw new BodyTooLarge(`Request is too large. Larger than ${limit}.`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, total);
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** True when brackets outside strings nest deeper than `max` (one linear scan, before parsing). */
function nestsDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}

const LONE_SURROGATE = /\p{Cs}/u;

/** A \uD800-style escape without its pair parses into a string no UTF-8 column can store. */
function hasLoneSurrogate(value: unknown): boolean {
  const stack: unknown[] = [value];
  while (stack.length) {
    const v = stack.pop();
    if (typeof v === 'string') {
      if (LONE_SURROGATE.test(v)) return true;
    } else if (v !== null && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (LONE_SURROGATE.test(k)) return true;
        stack.push(x);
      }
    }
  }
  return false;
}

/** Parse a JSON body (bytes as UTF-8, or text), or MalformedJson saying why not. */
export function parseJsonBody(body: Uint8Array | string): unknown {
  let text: string;
  try {
    text = typeof body === 'string' ? body : utf8.decode(body);
  } catch {
    throw new MalformedJson(null);
  }
  if (nestsDeeperThan(text, MAX_JSON_DEPTH)) throw new MalformedJson(`nested deeper than ${MAX_JSON_DEPTH} levels`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new MalformedJson(null);
  }
  if (/\\u[dD][89a-fA-F]/.test(text) && hasLoneSurrogate(value)) throw new MalformedJson('a \\u escape is half of a surrogate pair');
  return value;
}
