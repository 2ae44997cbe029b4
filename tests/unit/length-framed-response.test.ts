// The server's response class: complete answers carry Content-Length, streamed ones go chunked.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LengthFramedResponse } from '../../http/length-framed-response';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

async function answer(handler: Handler, method = 'GET') {
  const server = createServer({ ServerResponse: LengthFramedResponse }, handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = server.address() as AddressInfo;
    return await new Promise<{ headers: IncomingMessage['headers']; body: string }>((resolve, reject) => {
      request({ port, host: '127.0.0.1', method, path: '/' }, (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (c) => (body += c)).on('end', () => resolve({ headers: res.headers, body }));
      }).on('error', reject).end();
    });
  } finally {
    server.close();
  }
}

test('a body written and ended in the same turn (as Next pipes a JSON answer) goes out with its byte length', async () => {
  const got = await answer((_req, res) => {
    res.setHeader('Content-Type', 'application/json');
    res.flushHeaders();
    res.write('{"name": "é"');
    void Promise.resolve().then(() => res.end('}'));
  });
  assert.equal(got.body, '{"name": "é"}');
  assert.equal(got.headers['content-length'], String(Buffer.byteLength('{"name": "é"}')));
  assert.equal(got.headers['transfer-encoding'], undefined);
});

test('an empty answer says Content-Length: 0', async () => {
  const got = await answer((_req, res) => res.end());
  assert.equal(got.headers['content-length'], '0');
});

test('a body still being written on the next turn streams chunked, with nothing lost', async () => {
  const got = await answer((_req, res) => {
    res.write('first ');
    setTimeout(() => res.end('second'), 30);
  });
  assert.equal(got.body, 'first second');
  assert.equal(got.headers['content-length'], undefined);
  assert.equal(got.headers['transfer-encoding'], 'chunked');
});

test('a declared Content-Length (a download) is sent as declared, unbuffered', async () => {
  const got = await answer((_req, res) => {
    res.setHeader('Content-Length', '10');
    res.write('01234');
    setTimeout(() => res.end('56789'), 30);
  });
  assert.equal(got.body, '0123456789');
  assert.equal(got.headers['content-length'], '10');
});

test('headers flushed with no body yet go out on the next turn (nothing waits for the end)', async () => {
  const server = createServer({ ServerResponse: LengthFramedResponse }, (_req, res) => {
    res.flushHeaders();
    setTimeout(() => res.end('late'), 300);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = server.address() as AddressInfo;
    const started = Date.now();
    const headersAfter = await new Promise<number>((resolve, reject) => {
      request({ port, host: '127.0.0.1', path: '/' }, (res) => {
        resolve(Date.now() - started);
        res.resume();
      }).on('error', reject).end();
    });
    assert.ok(headersAfter < 250, `headers took ${headersAfter} ms`);
  } finally {
    server.closeAllConnections();
    server.close();
  }
});
