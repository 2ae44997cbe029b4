// The requests of the recorded real-Glance transcripts (their curl command
// lines), next to the responses readTranscript() gives, so that a parser can
// be fed exactly what Glance was fed and compared with what Glance answered.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { readTranscript, REFERENCE_DIR, type RecordedExchange } from './reference';

export interface RecordedRequest {
  method: string;
  url: URL;
  /** Lower-cased names; what curl sent, including its implicit form Content-Type for -d. */
  headers: Record<string, string>;
  /** The -d / --data-binary argument, or null when the request had none. */
  body: string | null;
}

export interface RecordedCall {
  request: RecordedRequest;
  response: RecordedExchange;
  /** The HTTP status of the response. */
  status: number;
}

/** Shell words of a command line written with single or double quotes. */
function shellWords(line: string): string[] {
  const words: string[] = [];
  const re = /'([^']*)'|"((?:\\.|[^"\\])*)"|(\S+)/g;
  for (const m of line.matchAll(re)) words.push(m[1] ?? m[2]?.replace(/\\(.)/g, '$1') ?? m[3]);
  return words;
}

function parseCurl(command: string): RecordedRequest {
  const words = shellWords(command.replace(/^\$ /, ''));
  const headers: Record<string, string> = {};
  let method = 'GET';
  let body: string | null = null;
  let url = '';
  for (let i = 1; i < words.length; i++) {
    const w = words[i];
    if (w === '-X') method = words[++i];
    else if (w === '-H') {
      const h = words[++i];
      const colon = h.indexOf(':');
      headers[h.slice(0, colon).trim().toLowerCase()] = h.slice(colon + 1).trim();
    } else if (w === '-d' || w === '--data-binary') body = words[++i];
    else if (w.startsWith('http://')) url = w;
  }
  if (body !== null && !('content-type' in headers)) headers['content-type'] = 'application/x-www-form-urlencoded';
  if (!('accept' in headers)) headers.accept = '*/*';
  return { method, url: new URL(url), headers, body };
}

/** Every exchange of a transcript with its request, by title. */
export function recordedCalls(file: string): Map<string, RecordedCall> {
  const responses = readTranscript(file);
  const text = readFileSync(path.join(REFERENCE_DIR, file), 'utf8');
  const out = new Map<string, RecordedCall>();
  for (const section of text.split(/^-{78}$/m).slice(1)) {
    const lines = section.replace(/^\n/, '').split('\n');
    const title = lines[0].replace(/^## /, '');
    const command = lines.find((l) => l.startsWith('$ curl'))!;
    const response = responses.get(title)!;
    out.set(title, { request: parseCurl(command), response, status: Number(response.statusLine.split(' ')[1]) });
  }
  return out;
}
