// Runs the real curl, as the seed lab does, and parses its `-i` output.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface CurlReply {
  raw: string;
  /** Every status line curl printed, e.g. ['HTTP/1.1 100 Continue', 'HTTP/1.1 204 No Content']. */
  statusLines: string[];
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** `curl ARGS...` (as a shell would split them); `-i` output is parsed. */
export async function curl(args: string[]): Promise<CurlReply> {
  const { stdout } = await run('curl', args, { maxBuffer: 64 * 1024 * 1024 });
  const raw = stdout;
  const statusLines = [...raw.matchAll(/^HTTP\/1\.1 \d{3}[^\r\n]*/gm)].map((m) => m[0]);
  const lastHead = raw.lastIndexOf('HTTP/1.1 ');
  const rest = lastHead >= 0 ? raw.slice(lastHead) : raw;
  const split = rest.indexOf('\r\n\r\n');
  const head = split >= 0 ? rest.slice(0, split) : rest;
  const body = split >= 0 ? rest.slice(split + 4) : '';
  const headers: Record<string, string> = {};
  for (const line of head.split('\r\n').slice(1)) {
    const i = line.indexOf(':');
    if (i > 0) headers[line.slice(0, i).toLowerCase()] = line.slice(i + 1).trim();
  }
  const status = lastHead >= 0 ? Number(rest.slice(9, 12)) : 0;
  return { raw, statusLines, status, headers, body: lastHead >= 0 ? body : raw };
}
