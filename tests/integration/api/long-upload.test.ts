// Transfers are bounded by an idle timeout ([DEFAULT] client_socket_timeout),
// never by their total length; slow headers are still cut (headersTimeout).
// The timeout is lowered to 3 s so that a 10+ s upload outlasts it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import * as mariadb from 'mariadb';
import { poolConfigFromUrl } from '../../../lib/db/url';
import { serverForFile, type TestServer } from '../../helpers/server';
import { client } from '../../helpers/http';
import { md5 } from '../../helpers/data';

const IDLE_TIMEOUT_S = 3;
let server: TestServer;
let api: ReturnType<typeof client>;

serverForFile(
  (s) => {
    server = s;
    api = client(s.url);
  },
  { flavor: 'noauth', extraConfig: `[DEFAULT]\nclient_socket_timeout = ${IDLE_TIMEOUT_S}\n` },
);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function openSocket(): Promise<{ socket: Socket; received: () => string; closed: Promise<number> }> {
  return new Promise((resolve, reject) => {
    const socket = connect(server.port, '127.0.0.1');
    let text = '';
    const opened = Date.now();
    socket.on('data', (d) => (text += d.toString('latin1')));
    const closed = new Promise<number>((r) => socket.once('close', () => r(Date.now() - opened)));
    socket.once('error', () => {});
    socket.once('connect', () => resolve({ socket, received: () => text, closed }));
    socket.once('error', reject);
  });
}

function putHead(id: string, length: number): string {
  return `PUT /v2/images/${id}/file HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nContent-Type: application/octet-stream\r\nContent-Length: ${length}\r\nConnection: close\r\n\r\n`;
}

async function statusOf(id: string): Promise<string> {
  return (await api.get(`/v2/images/${id}`)).json.status;
}

test('an upload that lasts over three idle timeouts (a chunk every second for 11 s) succeeds with the right checksum', async () => {
  const img = await api.create({ name: 'slow', disk_format: 'raw', container_format: 'bare' });
  const chunks = Array.from({ length: 12 }, () => randomBytes(65536 + 17));
  const data = Buffer.concat(chunks);
  const { socket, received, closed } = await openSocket();
  const started = Date.now();
  socket.write(putHead(img.id, data.length));
  for (const [i, chunk] of chunks.entries()) {
    if (i > 0) await sleep(1000);
    socket.write(chunk);
  }
  await closed;
  const lasted = (Date.now() - started) / 1000;
  assert.ok(lasted > 3 * IDLE_TIMEOUT_S, `the upload lasted ${lasted} s`);
  assert.match(received(), /^HTTP\/1\.1 204 /);
  const shown = (await api.get(`/v2/images/${img.id}`)).json;
  assert.equal(shown.status, 'active');
  assert.equal(shown.size, data.length);
  assert.equal(shown.checksum, md5(data));
});

test('an upload that goes silent for longer than client_socket_timeout is closed and the image returns to queued', async () => {
  const img = await api.create({ name: 'stalled', disk_format: 'raw', container_format: 'bare' });
  const { socket, closed } = await openSocket();
  socket.write(putHead(img.id, 1048576));
  socket.write(randomBytes(65536));
  let saving = false;
  for (let i = 0; i < 20 && !saving; i++) {
    saving = (await statusOf(img.id)) === 'saving';
    if (!saving) await sleep(100);
  }
  assert.ok(saving, 'the upload started');
  const closedAfterMs = await Promise.race([closed, sleep(5 * IDLE_TIMEOUT_S * 1000).then(() => -1)]);
  assert.ok(closedAfterMs > 0, 'the server closed the silent connection');
  assert.ok(closedAfterMs >= IDLE_TIMEOUT_S * 1000 - 200, `closed after ${closedAfterMs} ms, not before the idle timeout`);
  let status = await statusOf(img.id);
  for (let i = 0; i < 50 && status !== 'queued'; i++) {
    await sleep(100);
    status = await statusOf(img.id);
  }
  assert.equal(status, 'queued');
  const [row] = await server.query<{ n: number }>('SELECT COUNT(*) AS n FROM image_locations WHERE image_id = ?', [img.id]);
  assert.equal(row.n, 0);
});

test('a request the server takes longer than client_socket_timeout to answer (its database busy) is answered, not cut', async () => {
  const img = await api.create({ name: 'patient', disk_format: 'raw', container_format: 'bare' });
  const locker = await mariadb.createConnection(poolConfigFromUrl(server.databaseUrl));
  try {
    await locker.query('LOCK TABLES images WRITE');
    const { socket, received, closed } = await openSocket();
    socket.write(`GET /v2/images/${img.id} HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nConnection: close\r\n\r\n`);
    // The client sends nothing more and waits; the server waits on the locked table for two idle periods.
    await sleep(2 * IDLE_TIMEOUT_S * 1000);
    assert.equal(received(), '', 'no answer while the table is locked');
    await locker.query('UNLOCK TABLES');
    await Promise.race([closed, sleep(10_000)]);
    assert.match(received(), /^HTTP\/1\.1 200 /);
    assert.match(received(), new RegExp(`"id":\\s*"${img.id}"`));
  } finally {
    await locker.end();
  }
});

test('request headers sent one line a second are cut after the headers timeout, though the connection is never idle', async () => {
  const { socket, received, closed } = await openSocket();
  let stopped = false;
  void closed.then(() => (stopped = true));
  socket.write(`GET /versions HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\n`);
  const started = Date.now();
  for (let i = 0; i < 30 && !stopped; i++) {
    await sleep(1000);
    if (!stopped) socket.write(`X-Slow-${i}: ${'a'.repeat(10)}\r\n`);
  }
  assert.ok(stopped, 'the connection was closed');
  const after = (Date.now() - started) / 1000;
  assert.ok(after < 15, `closed after ${after} s`);
  assert.doesNotMatch(received(), /^HTTP\/1\.1 200/);
});
