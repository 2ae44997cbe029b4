// The adapter every /v2 route handler goes through: request id, request
// context, Glance-format errors, and the X-Openstack-Request-Id header.
import { randomUUID } from 'node:crypto';
import type { NextRequest } from 'next/server';
import { contextFromHeaders, TokenRequired, type RequestContext } from '@/lib/auth/context';
import { BadRequest, GlanceError, MethodNotAllowed, NotFound, RequestEntityTooLarge, Unauthorized } from '@/lib/errors';
import { InvalidTransitionError } from '@/lib/images/state-machine';
import { DatabaseUnavailable, isDatabaseUnavailable } from '@/lib/db/unavailable';
import { logger } from '@/lib/log';
import { baseUrl } from '@/lib/http/base-url';
import { BodyTooLarge, MalformedJson, parseJsonBody, readBoundedBody } from '@/lib/http/body';
import { errorResponse, REQUEST_ID_HEADER } from '@/lib/http/respond';

export interface Call<P> {
  req: NextRequest;
  ctx: RequestContext;
  params: P;
}

type Segment<P> = { params: Promise<P> };

/** What a handler answers: a web Response, or (data routes) anything with headers that the adapter sends. */
type Answered = { headers: Headers };

function withRequestId<A extends Answered>(res: A, requestId: string): A {
  res.headers.set(REQUEST_ID_HEADER, requestId);
  return res;
}

export function toErrorResponse(err: unknown, req: Request, requestId: string): Response {
  if (err instanceof InvalidTransitionError) err = new GlanceError(409, err.message);
  if (!(err instanceof GlanceError) && isDatabaseUnavailable(err)) {
    logger.warn({ requestId, method: req.method, url: req.url, err: (err as Error)?.message }, 'database unavailable');
    err = new DatabaseUnavailable();
  }
  if (!(err instanceof GlanceError)) {
    logger.error({ err, requestId, method: req.method, url: req.url }, 'unhandled error');
    err = new GlanceError(500, 'The server has either erred or is incapable of performing the requested operation.');
  }
  const res = errorResponse(err as GlanceError, req.headers.get('accept'));
  // Glance's auth middleware rejects before a request id exists: its 401s carry none.
  return err instanceof Unauthorized ? res : withRequestId(res, requestId);
}

export interface RouteOptions {
  /** Glance's body_reject: 400 when a request that takes no body has one. */
  rejectBody?: boolean;
}

/** Wrap a handler: authenticate, call, and always answer in Glance's format. */
export function glanceRoute<P = Record<string, never>, A extends Answered = Response>(handler: (call: Call<P>) => Promise<A>, options: RouteOptions = {}) {
  return async (req: NextRequest, segment: Segment<P>): Promise<A | Response> => {
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
      if (endsInSlash(req)) throw new NotFound();
      if (options.rejectBody && hasBody(req)) throw new BadRequest('A body is not expected with this request.');
      const params = segment?.params ? await segment.params : ({} as P);
      return withRequestId(await handler({ req, ctx, params }), requestId);
    } catch (err) {
      return toErrorResponse(err, req, requestId);
    }
  };
}

/** Glance's router has no path ending in "/" (such as /v2/images/); Next matches them to the one without. */
function endsInSlash(req: Request): boolean {
  const path = new URL(req.url).pathname;
  return path.length > 1 && path.endsWith('/');
}

const ALL_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;
type Method = (typeof ALL_METHODS)[number];
type Handler = (req: NextRequest) => Promise<Response>;

/** Handlers for the methods a resource does not support: 405 with Allow, as Glance. */
export function methodNotAllowed(allowed: string[]): Partial<Record<Method, Handler>> {
  const handler = async (req: NextRequest) =>
    toErrorResponse(endsInSlash(req) ? new NotFound() : new MethodNotAllowed(req.method, allowed), req, `req-${randomUUID()}`);
  return Object.fromEntries(ALL_METHODS.filter((m) => !allowed.includes(m)).map((m) => [m, handler]));
}

/** Handlers for methods Glance has no route for at all: its plain 404. */
export function notRouted(routed: string[]): Partial<Record<Method, Handler>> {
  const handler = async (req: NextRequest) => toErrorResponse(new NotFound(), req, `req-${randomUUID()}`);
  return Object.fromEntries(ALL_METHODS.filter((m) => !routed.includes(m)).map((m) => [m, handler]));
}

const BODY_ENCODINGS = ['chunked', 'compress', 'deflate', 'gzip', 'identity'];

/** Glance's has_body(): a known Transfer-Encoding, or a positive Content-Length. */
export function hasBody(req: Request): boolean {
  if (BODY_ENCODINGS.includes((req.headers.get('transfer-encoding') ?? '').toLowerCase())) return true;
  return Number(req.headers.get('content-length') ?? 0) > 0;
}

/** The request body, bounded while read: 413 in oslo's words past max_request_body_size. */
export async function readBody(req: Request): Promise<Uint8Array> {
  try {
    return await readBoundedBody(req);
  } catch (err) {
    if (err instanceof BodyTooLarge) throw new RequestEntityTooLarge(err.message);
    throw err;
  }
}

/** JSON.parse as Glance's deserializer: 400 "Malformed JSON in request body." */
export function parseJson(body: Uint8Array | string): unknown {
  try {
    return parseJsonBody(body);
  } catch (err) {
    if (err instanceof MalformedJson) throw new BadRequest(err.describe('Malformed JSON in request body'));
    throw err;
  }
}

/**
 * The request's JSON body the way Glance reads it (any Content-Type): 400
 * "Body expected in request." without one, 400 when malformed or not a
 * list/object, 413 when larger than max_request_body_size.
 */
export async function readJson(req: Request): Promise<unknown> {
  if (!hasBody(req)) throw new BadRequest('Body expected in request.');
  const body = parseJson(await readBody(req));
  if (body === null || typeof body !== 'object') throw new BadRequest('Unexpected body type. Expected list/dict.');
  return body;
}
