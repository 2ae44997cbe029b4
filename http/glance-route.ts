// The /v2 API's view of the one route wrapper (http/route.ts): token auth and
// Glance's webob errors; plus the 405/404 answers and body readers of Glance.
import type { NextRequest } from 'next/server';
import { BadRequest, MethodNotAllowed, NotFound, RequestEntityTooLarge } from '@/lib/errors';
import { BodyTooLarge, MalformedJson, parseJsonBody, readBoundedBody } from '@/lib/http/body';
import { endsInSlash, hasBody, newRequestId, route, toErrorResponse, type Call } from '@/http/route';

export { hasBody, type Call };

/** Wrap a /v2 handler: authenticate, call, and always answer in Glance's format. */
export function glanceRoute<P = Record<string, never>, A extends { headers: Headers } = Response>(
  handler: (call: Call<P>) => Promise<A>,
  options: { rejectBody?: boolean } = {},
) {
  return route<P, A>({ dialect: 'glance', auth: 'token', ...options }, handler);
}

const glanceError = (err: unknown, req: Request) => toErrorResponse(err, 'glance', req.headers.get('accept'), newRequestId(), req);

const ALL_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;
type Method = (typeof ALL_METHODS)[number];
type Handler = (req: NextRequest) => Promise<Response>;

/** Handlers for the methods a resource does not support: 405 with Allow, as Glance. */
export function methodNotAllowed(allowed: string[]): Partial<Record<Method, Handler>> {
  const handler = async (req: NextRequest) =>
    glanceError(endsInSlash(req) ? new NotFound() : new MethodNotAllowed(req.method, allowed), req);
  return Object.fromEntries(ALL_METHODS.filter((m) => !allowed.includes(m)).map((m) => [m, handler]));
}

/** Handlers for methods Glance has no route for at all: its plain 404. */
export function notRouted(routed: string[]): Partial<Record<Method, Handler>> {
  const handler = async (req: NextRequest) => glanceError(new NotFound(), req);
  return Object.fromEntries(ALL_METHODS.filter((m) => !routed.includes(m)).map((m) => [m, handler]));
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
