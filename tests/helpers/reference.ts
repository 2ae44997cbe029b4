// Reads the recorded real-Glance transcripts (shared/reference/glance beside
// the checkout) so that tests can compare our answers with Glance's byte for byte.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

const BESIDE_CHECKOUT = path.resolve(__dirname, '..', '..', '..', 'shared', 'reference', 'glance');
export const REFERENCE_DIR = process.env.GLANCE_REFERENCE_DIR ?? (existsSync(BESIDE_CHECKOUT) ? BESIDE_CHECKOUT : '/work/shared/reference/glance');

export interface RecordedExchange {
  title: string;
  /** The query string of the recorded request ('' when none). */
  query: string;
  statusLine: string;
  headers: Record<string, string>;
  /** The verbatim body (JSON bodies: the one-line form). */
  body: string;
}

/** A transcript section's response head: the status line's index, headers (lower-case names), the blank line's index. */
export function responseHead(lines: string[]): { statusAt: number; headers: Record<string, string>; blankAt: number } {
  const statusAt = lines.findIndex((l) => l.startsWith('HTTP/1.1 '));
  const headers: Record<string, string> = {};
  let i = statusAt + 1;
  for (; lines[i] !== ''; i++) {
    const colon = lines[i].indexOf(':');
    headers[lines[i].slice(0, colon).toLowerCase()] = lines[i].slice(colon + 1).trim();
  }
  return { statusAt, headers, blankAt: i };
}

/** Every request/response section of a transcript, by title (`## ...`). */
export function readTranscript(file: string): Map<string, RecordedExchange> {
  const text = readFileSync(path.join(REFERENCE_DIR, file), 'utf8');
  const out = new Map<string, RecordedExchange>();
  for (const section of text.split(/^-{78}$/m).slice(1)) {
    const lines = section.replace(/^\n/, '').split('\n');
    const title = lines[0].replace(/^## /, '');
    const command = lines.find((l) => l.startsWith('$ curl'))!;
    const url = /'?(http:\/\/controller:9292\S*?)'?$/.exec(command)![1];
    const { statusAt, headers, blankAt: i } = responseHead(lines);
    const length = Number(headers['content-length'] ?? 0);
    const rest = lines.slice(i + 1).join('\n');
    // Content-Length says where the verbatim body ends (a pretty-printed copy may follow).
    const body = Buffer.from(rest, 'utf8').subarray(0, length).toString('utf8');
    out.set(title, { title, query: new URL(url).search.slice(1), statusLine: lines[statusAt], headers, body });
  }
  return out;
}
