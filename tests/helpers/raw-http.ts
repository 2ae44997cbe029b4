// A raw HTTP/1.1 client over a socket, for bodies no well-behaved client
// would send: it keeps writing a (possibly huge) body until the server
// answers, and reports how much it had to send before the answer came.
import net from 'node:net';

export interface RawReply {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** Body bytes written before the answer arrived. */
  sent: number;
  ms: number;
}

export interface RawBody {
  /** Bytes written first (e.g. `{"name": "`), then `fill` repeated up to `size` bytes in all. */
  prefix?: string;
  fill?: string;
  size: number;
  /** Send it chunked, with no Content-Length. */
  chunked?: boolean;
}

function parse(raw: Buffer): { status: number; headers: Record<string, string>; body: string } | null {
  const end = raw.indexOf('\r\n\r\n');
  if (end < 0) return null;
  const [statusLine, ...lines] = raw.subarray(0, end).toString('latin1').split('\r\n');
  const headers: Record<string, string> = {};
  for (const l of lines) {
    const i = l.indexOf(':');
    headers[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
  }
  const rest = raw.subarray(end + 4);
  let body: Buffer | null = null;
  if (headers['content-length'] !== undefined) {
    const n = Number(headers['content-length']);
    if (rest.length >= n) body = rest.subarray(0, n);
  } else if (headers['transfer-encoding'] === 'chunked') {
    const parts: Buffer[] = [];
    let at = 0;
    for (;;) {
      const eol = rest.indexOf('\r\n', at);
      if (eol < 0) break;
      const n = parseInt(rest.subarray(at, eol).toString('latin1'), 16);
      if (n === 0) {
        body = Buffer.concat(parts);
        break;
      }
      if (rest.length < eol + 2 + n + 2) break;
      parts.push(rest.subarray(eol + 2, eol + 2 + n));
      at = eol + 2 + n + 2;
    }
  } else if (Number(statusLine.split(' ')[1]) === 204) body = Buffer.alloc(0);
  if (body === null) return null;
  return { status: Number(statusLine.split(' ')[1]), headers, body: body.toString('utf8') };
}

/** Send `method path` with `headers` and `body`; resolves with the first complete answer. */
export function rawRequest(port: number, method: string, path: string, headers: Record<string, string>, body: RawBody, timeoutMs = 60_000): Promise<RawReply> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let received = Buffer.alloc(0);
    let answered = false;
    let sent = 0;
    const timer = setTimeout(() => finish(new Error(`no answer within ${timeoutMs} ms (sent ${sent} bytes)`)), timeoutMs);
    const finish = (err: Error | null, reply?: RawReply) => {
      if (answered) return;
      answered = true;
      clearTimeout(timer);
      socket.destroy();
      if (err) reject(err);
      else resolve(reply!);
    };
    socket.on('data', (d) => {
      received = Buffer.concat([received, d]);
      const reply = parse(received);
      if (reply) finish(null, { ...reply, sent, ms: Date.now() - started });
    });
    socket.on('error', (err) => {
      // The server may close while we are still writing; what it answered first is what counts.
      const reply = parse(received);
      if (reply) finish(null, { ...reply, sent, ms: Date.now() - started });
      else if (!answered && !['EPIPE', 'ECONNRESET'].includes((err as NodeJS.ErrnoException).code ?? '')) finish(err);
    });
    socket.on('close', () => {
      const reply = parse(received);
      if (reply) finish(null, { ...reply, sent, ms: Date.now() - started });
      else finish(new Error(`connection closed without a complete answer (sent ${sent} bytes): ${received.toString('latin1').slice(0, 300)}`));
    });
    socket.on('connect', async () => {
      const head = { Host: `127.0.0.1:${port}`, ...headers, ...(body.chunked ? { 'Transfer-Encoding': 'chunked' } : { 'Content-Length': String(body.size) }) };
      socket.write(`${method} ${path} HTTP/1.1\r\n${Object.entries(head).map(([k, v]) => `${k}: ${v}`).join('\r\n')}\r\n\r\n`);
      const prefix = Buffer.from(body.prefix ?? '');
      const block = Buffer.alloc(64 * 1024, body.fill ?? 'A');
      let piece: Buffer = prefix;
      while (!answered && !socket.destroyed && sent < body.size) {
        if (piece.length === 0) piece = block.subarray(0, Math.min(block.length, body.size - sent));
        const out = body.chunked ? Buffer.concat([Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from('\r\n')]) : piece;
        sent += piece.length;
        piece = Buffer.alloc(0);
        if (!socket.write(out)) await new Promise((r) => socket.once('drain', r).once('close', r));
      }
      if (body.chunked && !answered && !socket.destroyed) socket.write('0\r\n\r\n');
    });
  });
}
