// The adapter every /v2 route handler goes through: request id, request
// context, Glance-format errors, and the X-Openstack-Request-Id header.
import { randomUUID } from 'node:crypto';
import type { NextRequest } from 'next/server';
import { contextFromHeaders, TokenRequired, type RequestContext } from '@/lib/auth/context';
import { GlanceError, MethodNotAllowed } from '@/lib/errors';
import { InvalidTransitionError } from '@/lib/images/state-machine';
import { logger } from '@/lib/log';
import { baseUrl } from './base-url';
import { errorResponse, REQUEST_ID_HEADER } from './respond';

export interface Call<P> {
  req: NextRequest;
  ctx: RequestContext;
  params: P;
}

type Segment<P> = { params: Promise<P> };

function withRequestId(res: Response, requestId: string): Response {
  res.headers.set(REQUEST_ID_HEADER, requestId);
  return res;
}

export function toErrorResponse(err: unknown, req: Request, requestId: string): Response {
  if (err instanceof InvalidTransitionError) err = new GlanceError(409, err.message);
  if (!(err instanceof GlanceError)) {
    logger.error({ err, requestId, method: req.method, url: req.url }, 'unhandled error');
    err = new GlanceError(500, 'The server has either erred or is incapable of performing the requested operation.');
  }
  return withRequestId(errorResponse(err as GlanceError, req.headers.get('accept')), requestId);
}

/** Wrap a handler: authenticate, call, and always answer in Glance's format. */
export function glanceRoute<P = Record<string, never>>(handler: (call: Call<P>) => Promise<Response>) {
  return async (req: NextRequest, segment: Segment<P>): Promise<Response> => {
    const requestId = `req-${randomUUID()}`;
    let ctx: RequestContext;
    try {
      ctx = await contextFromHeaders(req.headers, requestId, baseUrl(req));
    } catch (err) {
      // Rejected before a request context exists (Glance's auth middleware runs
      // before its context middleware): no request id on these answers.
      if (err instanceof TokenRequired) return err.toResponse();
      if (err instanceof GlanceError) return errorResponse(err, req.headers.get('accept'));
      return toErrorResponse(err, req, requestId);
    }
    try {
      const params = segment?.params ? await segment.params : ({} as P);
      return withRequestId(await handler({ req, ctx, params }), requestId);
    } catch (err) {
      return toErrorResponse(err, req, requestId);
    }
  };
}

/** Handlers for the methods a resource does not support: 405 with Allow, as Glance. */
export function methodNotAllowed(allowed: string[]) {
  const handler = async (req: NextRequest) => toErrorResponse(new MethodNotAllowed(req.method, allowed), req, `req-${randomUUID()}`);
  const all = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;
  return Object.fromEntries(all.filter((m) => !allowed.includes(m)).map((m) => [m, handler])) as Partial<Record<(typeof all)[number], typeof handler>>;
}

/** Parse a JSON body the way Glance does (any Content-Type; 400 on malformed). */
export async function readJson(req: Request): Promise<unknown> {
  const text = await req.text();
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new GlanceError(400, 'Malformed JSON in request body.');
  }
}
