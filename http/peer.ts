// What App Router handlers cannot see: the client's address as the socket
// has it. Next's `x-forwarded-for` is not it: Next sets that header from the
// socket only when the client did not send one (`??=` in its base server), so
// any client can choose it. Routes that need the peer (per-source throttling)
// are Pages API routes, which get Node's request.
import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { NextRequest } from 'next/server';
import { getConfig } from '@/lib/config';

/** The client's address (the socket peer's, or the balancer's word for it), IPv4-mapped IPv6 written as plain IPv4. */
export function peerAddress(req: IncomingMessage): string | null {
  const addr = (getConfig().enableProxyHeadersParsing ? forwardedFor(req) : null) ?? req.socket?.remoteAddress ?? null;
  return addr?.startsWith('::ffff:') && addr.includes('.') ? addr.slice(7) : addr;
}

/** The last address of the (last) X-Forwarded-For header, if any. */
function forwardedFor(req: IncomingMessage): string | null {
  const header = req.headersDistinct['x-forwarded-for']?.at(-1);
  const last = header?.split(',').at(-1)?.trim();
  return last || null;
}

/** `head` (the request line and headers) with Node's request body as its web body, for the usual readers. */
export function withNodeBody(head: NextRequest, req: IncomingMessage): NextRequest {
  if (req.method === 'GET' || req.method === 'HEAD') return head;
  const init = { method: head.method, headers: head.headers, body: Readable.toWeb(req) as ReadableStream, duplex: 'half' };
  return new NextRequest(head.url, init as ConstructorParameters<typeof NextRequest>[1]);
}
