// The adapter for the few routes that move image data: Pages API handlers
// (pages/api/v2/images/[imageId]/file.ts, pages/api/console/images/[imageId]/file.ts).
// App Router handlers only see web streams: undici copies an upload into fresh
// buffers, and a download's buffers cannot be reused (README, Benchmark).
// Here the handler reads Node's request and its StreamedAnswer writes to
// Node's response; only the request's head is a NextRequest. Auth, request
// id and errors come from the same route() wrapper (http/route.ts).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { NextRequest } from 'next/server';
import { logger } from '@/lib/log';
import { UploadAborted, type ChunkSink } from '@/lib/stores/driver';

/** A response body written straight to Node's response, chunk by chunk. */
export type NodeBody = (out: ChunkSink, signal: AbortSignal) => Promise<void>;

/** An answer (status, headers) whose body `write` puts straight into Node's response. */
export class StreamedAnswer {
  readonly headers: Headers;
  constructor(readonly status: number, headers: HeadersInit, readonly write: NodeBody) {
    this.headers = new Headers(headers);
  }
}

/** What a data route's handler returns: a small web Response, or a streamed answer. */
export type Answer = Response | StreamedAnswer;

/** The request line and headers as a NextRequest (no body: handlers read the Node request). */
export function requestHead(req: IncomingMessage): NextRequest {
  const headers = new Headers();
  for (let i = 0; i < req.rawHeaders.length; i += 2) headers.append(req.rawHeaders[i], req.rawHeaders[i + 1]);
  return new NextRequest(new URL(req.url ?? '/', `http://${req.headers.host ?? 'localhost'}`), { method: req.method, headers });
}

/**
 * The request body as the socket delivers it, ending in UploadAborted when
 * the client goes away before the end. Leaving the loop early (413, a failed
 * write) must not destroy the request: that would cut the socket before the
 * error answer is sent, so the iterator is told not to.
 */
export async function* nodeRequestBody(req: IncomingMessage): AsyncIterable<Uint8Array> {
  try {
    for await (const chunk of req.iterator({ destroyOnReturn: false })) yield chunk as Buffer;
  } catch (err) {
    logger.debug({ err: (err as Error)?.message }, 'upload body aborted');
    throw new UploadAborted('The client closed the connection before the upload was complete');
  }
  if (!req.complete) throw new UploadAborted('The client closed the connection before the upload was complete');
}

/** Send an answer through Node's response: headers, then its streamed body or its (small) web body. */
export async function sendResponse(res: ServerResponse, response: Answer): Promise<void> {
  res.statusCode = response.status;
  // Set-Cookie may repeat; every other header is single.
  const cookies = response.headers.getSetCookie();
  if (cookies.length) res.setHeader('Set-Cookie', cookies);
  response.headers.forEach((value, name) => {
    if (name !== 'set-cookie') res.setHeader(name, value);
  });
  if (response instanceof StreamedAnswer) return sendNodeBody(res, response.write);
  res.end(response.body ? Buffer.from(await response.arrayBuffer()) : undefined);
}

async function sendNodeBody(res: ServerResponse, body: NodeBody): Promise<void> {
  const gone = new AbortController();
  const onClose = () => {
    if (!res.writableFinished) gone.abort(new Error('client went away'));
  };
  res.once('close', onClose);
  try {
    res.flushHeaders();
    await body(res, gone.signal);
    res.end();
  } catch (err) {
    // Headers are out: the only honest signal left is a cut connection.
    if (!gone.signal.aborted) logger.warn({ err }, 'image data download failed after the headers were sent');
    res.destroy();
  } finally {
    res.off('close', onClose);
  }
}

type Method = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS';
export type NodeHandler<P> = (req: NextRequest, segment: { params: Promise<P> }, node: IncomingMessage) => Promise<Answer>;

/**
 * A Pages API handler from per-method handlers. Path parameters come from
 * the rewrite (req.query); methods without a handler use `fallback`.
 */
export function nodeRoute<P>(handlers: Partial<Record<Method, NodeHandler<P>>>, fallback: NodeHandler<P>) {
  return async (req: IncomingMessage & { query?: Record<string, string | string[] | undefined> }, res: ServerResponse): Promise<void> => {
    const params = Object.fromEntries(Object.entries(req.query ?? {}).map(([k, v]) => [k, String(Array.isArray(v) ? v[0] : v)]));
    const handler = handlers[req.method as Method] ?? fallback;
    try {
      await sendResponse(res, await handler(requestHead(req), { params: Promise.resolve(params as P) }, req));
    } catch (err) {
      logger.error({ err, method: req.method, url: req.url }, 'unhandled error in a data route');
      if (!res.headersSent) {
        res.statusCode = 500;
        res.end();
      } else res.destroy();
    }
  };
}

