// Forwarding a browser (tus) upload request to the node that staged the
// upload, as Glance's _proxy_request_to_host does for its staging: same
// method, path, headers (the console's session cookie included: every node
// decrypts it with the shared secret) and body, streamed both ways with
// backpressure. The answer is the stage host's own. A node that cannot be
// reached is Glance's 504 "Stage host is unavailable" (tus clients retry).
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { logger } from '@/lib/log';
import { HOP_BY_HOP, isUnreachable } from '@/lib/nodes/forwarding';

/** Set on forwarded requests: the receiving node handles them itself, never forwards again. */
export const FORWARDED_HEADER = 'x-glance-stage-forwarded';

const CONNECT_TIMEOUT_MS = 10_000;
const agents = { http: new HttpAgent({ keepAlive: true }), https: new HttpsAgent({ keepAlive: true }) };

export function isForwarded(req: Request): boolean {
  return req.headers.has(FORWARDED_HEADER);
}

function unavailable(status: 502 | 504): Response {
  return new Response('Stage host is unavailable', { status, headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Tus-Resumable': '1.0.0' } });
}

/** Send `req` to the node at `base` (its worker_self_reference_url) and answer with its response. */
export function forwardToStageHost(req: Request, base: string, from: string): Promise<Response> {
  const incoming = new URL(req.url);
  const target = new URL(incoming.pathname + incoming.search, base);
  const headers: Record<string, string> = {};
  req.headers.forEach((value, name) => {
    if (!HOP_BY_HOP.has(name)) headers[name] = value;
  });
  headers[FORWARDED_HEADER] = from;
  const https = target.protocol === 'https:';
  const outgoing = (https ? httpsRequest : httpRequest)(target, { method: req.method, headers, agent: https ? agents.https : agents.http });

  return new Promise<Response>((resolve) => {
    let answered = false;
    const fail = (err: Error) => {
      outgoing.destroy();
      if (answered) return;
      answered = true;
      const refused = isUnreachable((err as NodeJS.ErrnoException).code);
      logger.error({ err: err.message, target: target.origin, method: req.method }, 'could not forward a browser upload request to its stage host');
      resolve(unavailable(refused ? 504 : 502));
    };
    // Only the connection is timed: a chunk may take as long as the client needs to send it.
    const connectTimer = setTimeout(() => fail(Object.assign(new Error('connect timeout'), { code: 'ETIMEDOUT' })), CONNECT_TIMEOUT_MS);
    outgoing.on('socket', (socket) => {
      if (!socket.connecting) clearTimeout(connectTimer);
      else socket.once('connect', () => clearTimeout(connectTimer));
    });
    outgoing.on('error', fail);
    outgoing.on('response', (res: IncomingMessage) => {
      clearTimeout(connectTimer);
      answered = true;
      resolve(asResponse(req.method, res));
    });
    // The client hung up: so does the forwarded request (the stage host keeps what arrived, as tus does).
    req.signal?.addEventListener('abort', () => outgoing.destroy(), { once: true });
    if (req.body) {
      pipeline(Readable.fromWeb(req.body as import('node:stream/web').ReadableStream), outgoing).catch(fail);
    } else {
      outgoing.end();
    }
  });
}

function asResponse(method: string, res: IncomingMessage): Response {
  const headers = new Headers();
  for (const [name, value] of Object.entries(res.headers)) {
    if (value === undefined || HOP_BY_HOP.has(name)) continue;
    for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
  }
  const status = res.statusCode ?? 502;
  const bodyless = method === 'HEAD' || status === 204 || status === 304;
  if (bodyless) res.resume();
  const body = bodyless ? null : (Readable.toWeb(res) as ReadableStream<Uint8Array>);
  return new Response(body, { status, statusText: res.statusMessage, headers });
}
