// web-download's fetcher against real HTTP servers started here: exact bytes
// with backpressure, [import_filtering_opts] on the URI and on every redirect,
// loopback refused unless allowed (the servers are on loopback, so every
// positive case allows it explicitly), timeouts, cancelling, short bodies.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import dns from 'node:dns';
import { networkInterfaces } from 'node:os';
import type { AddressInfo, Socket } from 'node:net';
import { DEFAULT_IMPORT_FILTERING, type ImportFilteringConfig } from '../../../lib/config/import-filtering';
import { checkImportUri, openWebSource, WebDownloadError, type WebFetchOptions } from '../../../lib/imports/web-fetch';

const MiB = 1024 * 1024;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface TestHttp {
  port: number;
  requests: IncomingMessage[];
  /** Sockets accepted, and a promise per socket that it closed. */
  sockets: { socket: Socket; closed: Promise<void> }[];
  close(): Promise<void>;
}

const servers: TestHttp[] = [];
after(() => Promise.all(servers.map((s) => s.close())));

async function serve(host: string, handler: (req: IncomingMessage, res: ServerResponse) => unknown, tls?: https.ServerOptions): Promise<TestHttp> {
  const requests: IncomingMessage[] = [];
  const sockets: TestHttp['sockets'] = [];
  const listener = (req: IncomingMessage, res: ServerResponse) => {
    requests.push(req);
    Promise.resolve(handler(req, res)).catch(() => res.destroy());
  };
  const server = tls ? https.createServer(tls, listener) : http.createServer(listener);
  // (A reset is a close too: once() would reject on the socket's 'error'.)
  server.on(tls ? 'secureConnection' : 'connection', (socket: Socket) => sockets.push({ socket, closed: new Promise((r) => socket.once('close', () => r())) }));
  server.listen(0, host);
  await once(server, 'listening');
  const s: TestHttp = {
    port: (server.address() as AddressInfo).port,
    requests,
    sockets,
    close: async () => {
      server.closeAllConnections();
      server.close();
    },
  };
  servers.push(s);
  return s;
}

/** This machine's first non-loopback IPv4 address: a source that is neither loopback nor link-local. */
function externalAddress(): string {
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal && !a.address.startsWith('169.254.')) return a.address;
  }
  throw new Error('this test needs a non-loopback IPv4 address on the machine');
}

const filtering = (over: Partial<ImportFilteringConfig>): ImportFilteringConfig => ({ ...DEFAULT_IMPORT_FILTERING, ...over });
const loopbackAllowed = (...ports: number[]) => filtering({ allowedHosts: ['127.0.0.1'], allowedPorts: ports });

async function readAll(body: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of body) parts.push(Buffer.from(c));
  return Buffer.concat(parts);
}

async function refusal(p: Promise<unknown>): Promise<WebDownloadError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof WebDownloadError, `not a WebDownloadError: ${err instanceof Error ? err.stack : err}`);
    return err;
  }
  assert.fail('the fetch succeeded');
}

const fetchAll = async (uri: string, opts: WebFetchOptions) => readAll((await openWebSource(uri, opts)).body);

function drainedOrClosed(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

// A deterministic 1 MiB chunk per index (random bytes stamped with the index), so both ends hash without keeping the data.
const BASE = randomBytes(MiB);
function chunkOf(i: number): Buffer {
  const b = Buffer.from(BASE);
  b.writeUInt32LE(i, 0);
  return b;
}

test('a 200 MiB body arrives byte for byte (md5), pulled only as fast as it is consumed, in bounded memory', async () => {
  const CHUNKS = 200;
  const sentHash = createHash('md5');
  let sent = 0;
  const src = await serve('127.0.0.1', async (_req, res) => {
    res.writeHead(200, { 'content-length': String(CHUNKS * MiB) });
    for (let i = 0; i < CHUNKS; i++) {
      const c = chunkOf(i);
      sentHash.update(c);
      sent += c.length;
      if (!res.write(c)) await once(res, 'drain');
    }
    res.end();
  });
  const uri = `http://127.0.0.1:${src.port}/big.img`;
  const source = await openWebSource(uri, { filtering: loopbackAllowed(src.port) });
  assert.equal(source.contentLength, CHUNKS * MiB);
  assert.equal(source.finalUrl, uri);
  const hash = createHash('md5');
  let received = 0;
  let maxLag = 0;
  const rssBefore = process.memoryUsage().rss;
  let rssPeak = rssBefore;
  let n = 0;
  for await (const c of source.body) {
    hash.update(c);
    received += c.length;
    maxLag = Math.max(maxLag, sent - received);
    // A consumer slower than the source (the store writes and hashes): the source must wait for it.
    if (++n % 16 === 0) {
      await sleep(1);
      rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
    }
  }
  assert.equal(received, CHUNKS * MiB);
  assert.equal(hash.digest('hex'), sentHash.digest('hex'));
  assert.ok(maxLag < 32 * MiB, `the source ran ${maxLag / MiB} MiB ahead of the consumer`);
  assert.ok(rssPeak - rssBefore < 128 * MiB, `RSS grew by ${(rssPeak - rssBefore) / MiB} MiB`);
});

test('loopback is refused by default, before any connection, and allowed when the operator lists the host', async () => {
  const src = await serve('127.0.0.1', (_req, res) => res.end('data'));
  const ports = filtering({ allowedPorts: [src.port] });
  for (const uri of [`http://127.0.0.1:${src.port}/a`, `http://localhost:${src.port}/a`, `http://127.0.0.2:${src.port}/a`]) {
    const err = await refusal(openWebSource(uri, { filtering: ports }));
    assert.equal(err.failure, 'filtering');
    assert.equal(err.message, `URI for web-download does not pass filtering: ${uri}`);
    assert.match(err.detail ?? '', /resolves to a loopback address; list the host in \[import_filtering_opts\] allowed_hosts/);
  }
  const withPassword = await refusal(openWebSource(`http://me:secret@127.0.0.1:${src.port}/a`, { filtering: ports }));
  assert.equal(withPassword.message, `URI for web-download does not pass filtering: http://me:***@127.0.0.1:${src.port}/a`, 'a password is not repeated');
  // Glance's defaults alone refuse it too (port 80/443 only).
  const byPort = await refusal(openWebSource(`http://127.0.0.1:${src.port}/a`, { filtering: DEFAULT_IMPORT_FILTERING }));
  assert.equal(byPort.detail, `port ${src.port} is not allowed`);
  assert.equal(src.sockets.length, 0, 'nothing connected to the loopback server');

  assert.equal((await fetchAll(`http://127.0.0.1:${src.port}/a`, { filtering: loopbackAllowed(src.port) })).toString(), 'data');
  assert.equal(src.requests.length, 1);
});

test('POST /import\'s check: the filters and where the host resolves now', async () => {
  assert.match((await checkImportUri('http://localhost/x', DEFAULT_IMPORT_FILTERING)) ?? 'passed', /localhost resolves to a loopback address/);
  assert.match((await checkImportUri('http://169.254.169.254/latest/meta-data', DEFAULT_IMPORT_FILTERING)) ?? 'passed', /link-local/);
  assert.equal(await checkImportUri('http://127.0.0.1:8080/x', DEFAULT_IMPORT_FILTERING), 'port 8080 is not allowed');
  assert.equal(await checkImportUri('http://localhost/x', filtering({ allowedHosts: ['localhost'] })), null);
  assert.equal(await checkImportUri(`http://${externalAddress()}/x`, DEFAULT_IMPORT_FILTERING), null, 'other addresses of this network are allowed');
  assert.match((await checkImportUri('http://no-such-host.invalid/x', DEFAULT_IMPORT_FILTERING)) ?? 'passed', /ENOTFOUND/);
  assert.equal(await checkImportUri('ftp://mirror.example.net/x', filtering({ allowedSchemes: ['ftp'], allowedPorts: [] })), 'scheme ftp is not supported by web-download');
});

test('a named host is resolved once and connected to at that address, with its own name in the Host header', async () => {
  const src = await serve('127.0.0.1', (req, res) => res.end(req.headers.host));
  const lookups: string[] = [];
  const lookup = ((host: string, opts: dns.LookupAllOptions, cb: (e: Error | null, a: dns.LookupAddress[]) => void) => {
    lookups.push(host);
    dns.lookup(host, { ...opts, family: 4 }, cb);
  }) as unknown as typeof dns.lookup;
  const got = await fetchAll(`http://localhost:${src.port}/x`, { filtering: filtering({ allowedHosts: ['localhost'], allowedPorts: [src.port] }), lookup });
  assert.equal(got.toString(), `localhost:${src.port}`);
  assert.deepEqual(lookups, ['localhost']);
});

test('redirects are followed, and every hop passes the filters and the address rules', async () => {
  const ext = externalAddress();
  const inner = await serve('127.0.0.1', (_req, res) => res.end('inner'));
  const other = await serve(ext, (_req, res) => res.end('other port'));
  let hops = 0;
  const src = await serve(ext, (req, res) => {
    const u = new URL(req.url ?? '/', 'http://x');
    const go = (code: number, location: string) => res.writeHead(code, { location }).end();
    if (u.pathname === '/data') return void res.end('the image');
    if (u.pathname.startsWith('/code/')) return go(Number(u.pathname.slice(6)), '/data');
    if (u.pathname.startsWith('/hops/')) {
      hops++;
      const left = Number(u.pathname.slice(6));
      return go(302, left > 1 ? `/hops/${left - 1}` : '/data');
    }
    if (u.pathname === '/loop') {
      hops++;
      return go(302, '/loop');
    }
    if (u.pathname === '/to-loopback') return go(302, `http://127.0.0.1:${inner.port}/x`);
    if (u.pathname === '/to-localhost') return go(302, `http://localhost:${inner.port}/x`);
    if (u.pathname === '/to-metadata') return go(301, 'http://169.254.169.254/latest/meta-data/');
    if (u.pathname === '/to-port') return go(302, `http://${ext}:${other.port}/x`);
    if (u.pathname === '/to-scheme') return go(302, `ftp://${ext}:${src.port}/x`);
    if (u.pathname === '/to-garbage') return go(302, 'http://[::1/x');
    if (u.pathname === '/to-encoded') return go(302, `http://2130706433:${inner.port}/x`);
    if (u.pathname === '/to-relative-host') return go(302, `//localhost:${inner.port}/x`);
    res.writeHead(404).end();
  });
  const base = `http://${ext}:${src.port}`;
  // The machine's own non-loopback address: allowed without naming it (only its port is listed).
  const f = filtering({ allowedPorts: [src.port, inner.port] });

  for (const code of [301, 302, 303, 307, 308]) {
    const s = await openWebSource(`${base}/code/${code}`, { filtering: f });
    assert.equal((await readAll(s.body)).toString(), 'the image', `after a ${code}`);
    assert.equal(s.finalUrl, `${base}/data`);
  }
  assert.equal((await fetchAll(`${base}/hops/10`, { filtering: f })).toString(), 'the image', 'ten redirects are followed (urllib)');

  const cases: [string, string, RegExp][] = [
    ['/to-loopback', `http://127.0.0.1:${inner.port}/x`, /loopback/],
    ['/to-localhost', `http://localhost:${inner.port}/x`, /loopback/],
    ['/to-metadata', 'http://169.254.169.254/latest/meta-data/', /port 80 is not allowed/],
    ['/to-port', `http://${ext}:${other.port}/x`, new RegExp(`port ${other.port} is not allowed`)],
    ['/to-scheme', `ftp://${ext}:${src.port}/x`, /scheme ftp is not allowed/],
    ['/to-garbage', 'http://[::1/x', /the host or port cannot be read/],
    ['/to-encoded', `http://2130706433:${inner.port}/x`, /not a host name or a standard IP address/],
    ['/to-relative-host', `http://localhost:${inner.port}/x`, /loopback/],
  ];
  for (const [path, target, detail] of cases) {
    const err = await refusal(openWebSource(`${base}${path}`, { filtering: f }));
    assert.equal(err.failure, 'filtering', path);
    assert.equal(err.message, `Redirect to disallowed URL: ${target}`, path);
    assert.match(err.detail ?? '', detail, path);
  }
  // The metadata address is refused by the address rules even on an allowed port.
  const meta = await refusal(openWebSource(`${base}/to-metadata`, { filtering: filtering({ allowedPorts: [src.port, 80] }) }));
  assert.match(meta.detail ?? '', /link-local/);
  // A host list: the redirect to another host is refused by it.
  const hosts = await refusal(openWebSource(`${base}/to-localhost`, { filtering: filtering({ allowedHosts: [ext], allowedPorts: [src.port, inner.port] }) }));
  assert.equal(hosts.detail, 'host localhost is not allowed');
  assert.equal(inner.sockets.length + other.sockets.length, 0, 'no refused hop was connected to');

  hops = 0;
  const tooMany = await refusal(openWebSource(`${base}/hops/11`, { filtering: f }));
  assert.equal(tooMany.failure, 'http');
  assert.equal(hops, 11);
  hops = 0;
  const loop = await refusal(openWebSource(`${base}/loop`, { filtering: f, maxRedirects: 20 }));
  assert.equal(loop.message, 'HTTP Error 302: The HTTP server returned a redirect error that would lead to an infinite loop. The last 30x error message was: Found');
  assert.equal(hops, 5, 'urllib gives up when a URL comes back a fifth time');
});

test('an HTTP error, a refused connection and a short body are clear failures', async () => {
  const src = await serve('127.0.0.1', (req, res) => {
    if (req.url === '/short') {
      res.writeHead(200, { 'content-length': '1000' });
      res.write(Buffer.alloc(500));
      setTimeout(() => res.destroy(), 50);
      return;
    }
    if (req.url === '/chunked') {
      res.write('ab');
      res.end('cd');
      return;
    }
    res.writeHead(404).end('nope');
  });
  const f = loopbackAllowed(src.port, 1);
  const notFound = await refusal(openWebSource(`http://127.0.0.1:${src.port}/missing`, { filtering: f }));
  assert.deepEqual([notFound.failure, notFound.message, notFound.status], ['http', 'HTTP Error 404: Not Found', 404]);

  const refused = await refusal(openWebSource('http://127.0.0.1:1/x', { filtering: f }));
  assert.deepEqual([refused.failure, refused.message], ['connect', 'web-download of http://127.0.0.1:1/x failed: connection refused']);

  const short = await openWebSource(`http://127.0.0.1:${src.port}/short`, { filtering: f });
  const cut = await refusal(readAll(short.body));
  assert.equal(cut.failure, 'truncated');
  assert.match(cut.message, /the connection closed after 500 of 1000 bytes/);

  const chunked = await openWebSource(`http://127.0.0.1:${src.port}/chunked`, { filtering: f });
  assert.equal(chunked.contentLength, null);
  assert.equal((await readAll(chunked.body)).toString(), 'abcd');
});

test('a server that stalls is cut by the idle timeout; a slow consumer is not', async () => {
  const src = await serve('127.0.0.1', async (req, res) => {
    if (req.url === '/silent') return; // never answers
    if (req.url === '/slow-reader') {
      res.writeHead(200, { 'content-length': '3' });
      for (const c of ['a', 'b', 'c']) res.write(c);
      return void res.end();
    }
    res.writeHead(200, { 'content-length': String(10_000) });
    res.write(Buffer.alloc(1000)); // then nothing more
  });
  const f = loopbackAllowed(src.port);
  const opts = { filtering: f, idleTimeoutMs: 300 };

  const started = Date.now();
  const silent = await refusal(openWebSource(`http://127.0.0.1:${src.port}/silent`, opts));
  assert.deepEqual([silent.failure, silent.message], ['timeout', `web-download of http://127.0.0.1:${src.port}/silent: no answer within 0.3 s`]);
  assert.ok(Date.now() - started < 5000);

  // A resolver that never answers: the connect timeout.
  const hang = (() => {}) as unknown as typeof dns.lookup;
  const unresolved = await refusal(openWebSource(`http://mirror.example.net:${src.port}/x`, { filtering: filtering({ allowedPorts: [src.port] }), lookup: hang, connectTimeoutMs: 300 }));
  assert.deepEqual([unresolved.failure, unresolved.message], ['timeout', `web-download of http://mirror.example.net:${src.port}/x: could not connect within 0.3 s`]);

  const stalled = await openWebSource(`http://127.0.0.1:${src.port}/stall`, opts);
  const err = await refusal(readAll(stalled.body));
  assert.deepEqual([err.failure, err.message], ['timeout', `web-download of http://127.0.0.1:${src.port}/stall: no data for 0.3 s after 1000 bytes`]);
  await Promise.all(src.sockets.map((s) => s.closed)); // both connections were closed by the client

  const slow = await openWebSource(`http://127.0.0.1:${src.port}/slow-reader`, opts);
  let got = '';
  for await (const c of slow.body) {
    got += Buffer.from(c).toString();
    await sleep(500); // longer than the idle timeout, but the wait is ours, not the server's
  }
  assert.equal(got, 'abc');
});

test('cancelling closes the connection: before the answer, while reading, and before reading', async () => {
  const src = await serve('127.0.0.1', async (req, res) => {
    if (req.url === '/late') return void setTimeout(() => res.end('late'), 5000).unref();
    res.writeHead(200);
    // Endless, at the reader's pace.
    for (let i = 0; !res.destroyed; i++) if (!res.write(chunkOf(i))) await drainedOrClosed(res);
  });
  const f = loopbackAllowed(src.port);
  const closedWithin = async (index: number, ms: number) => {
    await Promise.race([src.sockets[index].closed, sleep(ms).then(() => assert.fail(`socket ${index} still open after ${ms} ms`))]);
  };

  const early = new AbortController();
  const opening = openWebSource(`http://127.0.0.1:${src.port}/late`, { filtering: f, signal: early.signal });
  await sleep(200);
  early.abort();
  assert.equal((await refusal(opening)).failure, 'aborted');
  await closedWithin(0, 2000);

  const mid = new AbortController();
  const s = await openWebSource(`http://127.0.0.1:${src.port}/endless`, { filtering: f, signal: mid.signal });
  let read = 0;
  const err = await refusal(
    (async () => {
      for await (const c of s.body) {
        read += c.length;
        if (read > 8 * MiB) mid.abort();
      }
    })(),
  );
  assert.deepEqual([err.failure, err.message], ['aborted', `web-download of http://127.0.0.1:${src.port}/endless was cancelled`]);
  await closedWithin(1, 2000);

  const unread = new AbortController();
  await openWebSource(`http://127.0.0.1:${src.port}/endless`, { filtering: f, signal: unread.signal });
  unread.abort();
  await closedWithin(2, 2000);

  // A consumer that stops reading (break) closes it too.
  const s4 = await openWebSource(`http://127.0.0.1:${src.port}/endless`, { filtering: f });
  for await (const _ of s4.body) break;
  await closedWithin(3, 2000);
});

test('https: the certificate is verified for the URI\'s host name, sent as SNI, while the connection goes to the checked address', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'web-fetch-tls-'));
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost',
      '-addext', 'subjectAltName=DNS:localhost', '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem')], { stdio: 'ignore' });
    const cert = readFileSync(path.join(dir, 'cert.pem'));
    const src = await serve('127.0.0.1', (req, res) => res.end(`sni=${(req.socket as import('node:tls').TLSSocket).servername}`), { cert, key: readFileSync(path.join(dir, 'key.pem')) });
    const f = filtering({ allowedHosts: ['localhost', '127.0.0.1'], allowedPorts: [src.port] });
    assert.equal((await fetchAll(`https://localhost:${src.port}/x`, { filtering: f, ca: cert })).toString(), 'sni=localhost');
    const untrusted = await refusal(openWebSource(`https://localhost:${src.port}/x`, { filtering: f }));
    assert.deepEqual([untrusted.failure, untrusted.message], ['connect', `web-download of https://localhost:${src.port}/x failed: the server's certificate is self-signed`]);
    const wrongName = await refusal(openWebSource(`https://127.0.0.1:${src.port}/x`, { filtering: f, ca: cert }));
    assert.deepEqual([wrongName.failure, wrongName.message], ['connect', `web-download of https://127.0.0.1:${src.port}/x failed: the server's certificate is not for this host`]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a body of known length is read straight into the consumer\'s memory (fill), after a 1xx answer, byte for byte; the connection closed at the end', async () => {
  const size = 9 * MiB + 12345;
  const sentHash = createHash('md5');
  const src = await serve('127.0.0.1', async (_req, res) => {
    res.writeEarlyHints({ link: '</style.css>; rel=preload' });
    res.writeHead(200, { 'content-length': String(size) });
    for (let i = 0, sent = 0; sent < size; i++) {
      const c = chunkOf(i).subarray(0, Math.min(MiB, size - sent));
      sentHash.update(c);
      sent += c.length;
      if (!res.write(c)) await once(res, 'drain');
    }
    res.end();
  });
  const source = await openWebSource(`http://127.0.0.1:${src.port}/direct.img`, { filtering: loopbackAllowed(src.port) });
  assert.equal(source.contentLength, size);
  assert.ok(source.body.fill, 'a plain http body of known length offers fill()');
  // The store's slots live in a SharedArrayBuffer: the same memory here.
  const slot = new Uint8Array(new SharedArrayBuffer(4 * MiB));
  const hash = createHash('md5');
  const counts: number[] = [];
  for (let n; (n = await source.body.fill(slot)) > 0; ) {
    hash.update(slot.subarray(0, n));
    counts.push(n);
  }
  assert.deepEqual(counts, [4 * MiB, 4 * MiB, MiB + 12345], 'each fill fills the whole buffer until the last');
  assert.equal(hash.digest('hex'), sentHash.digest('hex'));
  await Promise.race([src.sockets[0].closed, sleep(2000).then(() => assert.fail('the connection is still open after the body'))]);
});

test('fill: a server that stalls mid-body is cut by the idle timeout; one that closes early is a short body', async () => {
  const src = await serve('127.0.0.1', (req, res) => {
    res.writeHead(200, { 'content-length': String(10_000) });
    res.write(Buffer.alloc(1000));
    if (req.url === '/cut') setTimeout(() => res.destroy(), 50);
  });
  const opts = { filtering: loopbackAllowed(src.port), idleTimeoutMs: 300 };
  const stalled = await openWebSource(`http://127.0.0.1:${src.port}/stall`, opts);
  const err = await refusal(stalled.body.fill!(new Uint8Array(64 * 1024)));
  assert.deepEqual([err.failure, err.message], ['timeout', `web-download of http://127.0.0.1:${src.port}/stall: no data for 0.3 s after 1000 bytes`]);
  const cut = await openWebSource(`http://127.0.0.1:${src.port}/cut`, opts);
  const into = new Uint8Array(64 * 1024);
  assert.equal(await cut.body.fill!(into), 1000, 'what arrived before the close');
  const short = await refusal(cut.body.fill!(into));
  assert.deepEqual([short.failure, short.message], ['truncated', `web-download of http://127.0.0.1:${src.port}/cut: the connection closed after 1000 of 10000 bytes`]);
  await Promise.all(src.sockets.map((s) => s.closed));
});
