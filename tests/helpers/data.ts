// Helpers for the image-data tests: raw HTTP over a socket (to send half a
// body or hang up mid-upload), polling, store-directory listings, qcow2
// headers, and finding a test server's process.
import { connect, type Socket } from 'node:net';
import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import type { TestServer } from './server';

export const md5 = (b: Uint8Array) => createHash('md5').update(b).digest('hex');
export const sha512 = (b: Uint8Array) => createHash('sha512').update(b).digest('hex');

/** Poll `probe` until it returns a value other than undefined, or fail at the deadline. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function statusOf(server: TestServer, id: string): Promise<string | undefined> {
  const [row] = await server.query<{ status: string }>('SELECT status FROM images WHERE id = ?', [id]);
  return row?.status;
}

export function waitForStatus(server: TestServer, id: string, status: string): Promise<true> {
  return waitFor(`image ${id} to be ${status}`, async () => ((await statusOf(server, id)) === status ? true : undefined));
}

export async function events(server: TestServer, id: string) {
  return server.query<{ action: string; from_status: string | null; to_status: string | null; reason: string | null }>(
    'SELECT action, from_status, to_status, reason FROM image_events WHERE image_id = ? ORDER BY id',
    [id],
  );
}

/** Every entry (hidden partial files included) in the given directories. */
export function filesIn(...dirs: string[]): string[] {
  return dirs.flatMap((d) => readdirSync(d).map((f) => `${d}/${f}`));
}

/** A raw HTTP/1.1 exchange: write the head, then body pieces as the test decides. */
export class RawRequest {
  readonly socket: Socket;
  private received = Buffer.alloc(0);
  private closed = false;
  private readonly ended: Promise<void>;

  constructor(port: number, head: string) {
    this.socket = connect(port, '127.0.0.1');
    this.socket.on('data', (d) => (this.received = Buffer.concat([this.received, d])));
    this.ended = new Promise((resolve) => this.socket.on('close', () => { this.closed = true; resolve(); }));
    this.socket.on('error', () => {});
    this.socket.write(head.replace(/\n/g, '\r\n') + '\r\n');
  }

  write(data: Uint8Array): Promise<void> {
    return new Promise((resolve, reject) => this.socket.write(data, (err) => (err ? reject(err) : resolve())));
  }

  /** Hang up without finishing the body. */
  destroy(): void {
    this.socket.destroy();
  }

  /** What the server has answered so far. */
  text(): string {
    return this.received.toString('latin1');
  }

  /** Wait for one complete response (status line, headers, Content-Length body). */
  async response(timeoutMs = 20_000): Promise<{ status: number; headers: Record<string, string>; body: string }> {
    return waitFor('an HTTP response', async () => {
      const text = this.text();
      const end = text.indexOf('\r\n\r\n');
      if (end < 0) return this.closed ? Promise.reject(new Error(`connection closed: ${text}`)) : undefined;
      const lines = text.slice(0, end).split('\r\n');
      const status = Number(lines[0].split(' ')[1]);
      if (status === 100) {
        this.received = this.received.subarray(end + 4);
        return undefined;
      }
      const headers: Record<string, string> = {};
      for (const l of lines.slice(1)) headers[l.slice(0, l.indexOf(':')).toLowerCase()] = l.slice(l.indexOf(':') + 1).trim();
      const rest = text.slice(end + 4);
      if (headers['transfer-encoding'] === 'chunked') {
        const body = dechunk(rest);
        return body === null ? undefined : { status, headers, body };
      }
      const length = Number(headers['content-length'] ?? 0);
      if (rest.length < length) return undefined;
      return { status, headers, body: rest.slice(0, length) };
    }, timeoutMs);
  }

  close(): Promise<void> {
    this.socket.end();
    this.socket.destroy();
    return this.ended;
  }
}

/** A complete chunked body, decoded; null while incomplete. */
function dechunk(text: string): string | null {
  let body = '';
  let at = 0;
  for (;;) {
    const eol = text.indexOf('\r\n', at);
    if (eol < 0) return null;
    const size = parseInt(text.slice(at, eol), 16);
    if (size === 0) return body;
    if (text.length < eol + 2 + size + 2) return null;
    body += text.slice(eol + 2, eol + 2 + size);
    at = eol + 2 + size + 2;
  }
}

export function putHead(id: string, headers: Record<string, string>): string {
  // Accept: */* as curl sends it (without any Accept, webob answers errors in text/plain).
  const lines = [`PUT /v2/images/${id}/file HTTP/1.1`, 'Host: 127.0.0.1', 'Accept: */*', 'Content-Type: application/octet-stream'];
  for (const [k, v] of Object.entries(headers)) lines.push(`${k}: ${v}`);
  return lines.join('\n') + '\n';
}

/** One chunk of a chunked body. */
export function chunk(data: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from(`${data.byteLength.toString(16)}\r\n`), data, Buffer.from('\r\n')]);
}

/**
 * A minimal valid qcow2 (version 3) header for an image of `virtualSize` bytes, padded with random data
 * after the first sector (zeros there: no backing file, no feature bits, nothing another format matches).
 */
export function qcow2(virtualSize: bigint, total = 65536): Buffer {
  const b = Buffer.concat([Buffer.alloc(512), randomBytes(total - 512)]);
  b.writeUInt32BE(0x514649fb, 0); // magic "QFI\xfb"
  b.writeUInt32BE(3, 4); // version
  b.writeUInt32BE(16, 20); // cluster_bits: 64 KiB clusters
  b.writeBigUInt64BE(virtualSize, 24);
  b.writeUInt32BE(104, 100); // header_length
  return b;
}

/** The pid of a test server's process (found by its unique config file in the environment). */
export function serverPid(server: TestServer): number {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const env = readFileSync(`/proc/${entry}/environ`, 'latin1').split('\0');
      if (env.includes(`GLANCE_CONFIG_FILE=${server.configFile}`)) return Number(entry);
    } catch {
      /* gone or not ours */
    }
  }
  throw new Error(`no process found for ${server.configFile}`);
}

/** Waits until the process `pid` is gone (after a kill). */
export function waitForExit(pid: number, what = 'the process to die'): Promise<true> {
  return waitFor(what, async () => {
    try {
      process.kill(pid, 0);
      return undefined;
    } catch {
      return true;
    }
  });
}

/** kill -9 of a test server's process, as a crash would; then its handle is closed. */
export async function killServer(server: TestServer): Promise<void> {
  const pid = serverPid(server);
  process.kill(pid, 'SIGKILL');
  await waitForExit(pid, 'the server to die');
  await server.stop();
}
