// The one wrapper every route handler goes through: a request id, the
// caller's authentication, and every error mapped by toErrorResponse into the
// route's dialect: Glance's webob bodies (/v2), Keystone's JSON (/v3), or
// Glance's JSON body for the console's own routes.
import { randomUUID } from 'node:crypto';
import type { NextRequest } from 'next/server';
import { contextFromHeaders, TokenRequired, type RequestContext } from '@/lib/auth/context';
import { BadRequest, GlanceError, NotFound, Unauthorized } from '@/lib/errors';
import { InvalidTransitionError } from '@/lib/images/state-machine';
import { DATABASE_UNAVAILABLE_MESSAGE, DatabaseUnavailable, isDatabaseUnavailable } from '@/lib/db/unavailable';
import { logger } from '@/lib/log';
import { baseUrl } from '@/lib/http/base-url';
import { errorResponse, REQUEST_ID_HEADER } from '@/lib/http/respond';
import { identityEnabled } from '@/lib/identity/enabled';
import { authRequired, KeystoneError } from '@/lib/identity/errors';
import { validateToken, type ValidToken } from '@/lib/identity/tokens';
import { assertSameOrigin } from '@/lib/console/same-origin';
import { signedInContext } from '@/http/next-auth';
import { SIGN_IN_PATH } from '@/http/console-session';

export type Dialect = 'glance' | 'keystone' | 'console';
export type AuthMode = 'token' | 'console-session' | 'none';

/** Where toErrorResponse's log lines say the error happened. */
type RequestLine = { method: string; url: string };

/** What a handler answers: a web Response, or (data routes) anything with headers that the adapter sends. */
type Answered = { headers: Headers };

export const newRequestId = () => `req-${randomUUID()}`;

/** The headers each dialect adds to every answer it stamps. */
function stamp<A extends Answered>(res: A, dialect: Dialect, requestId: string): A {
  if (dialect === 'keystone') res.headers.set('Vary', 'X-Auth-Token');
  res.headers.set(REQUEST_ID_HEADER, requestId);
  return res;
}

/** Any error as the dialect's error answer; the unexpected ones are logged and become 500s. */
export function toErrorResponse(err: unknown, dialect: Dialect, accept: string | null, requestId: string, request?: RequestLine): Response {
  const where = { requestId, method: request?.method, url: request?.url };
  if (dialect === 'keystone') {
    if (err instanceof KeystoneError) return stamp(err.toResponse(), dialect, requestId);
    if (isDatabaseUnavailable(err)) {
      logger.warn({ ...where, err: (err as Error)?.message }, 'database unavailable');
      return stamp(new KeystoneError(503, DATABASE_UNAVAILABLE_MESSAGE).toResponse(), dialect, requestId);
    }
    logger.error({ err, ...where }, 'unhandled error in the identity API');
    const unexpected = new KeystoneError(500, 'An unexpected error prevented the server from fulfilling your request.');
    return stamp(unexpected.toResponse(), dialect, requestId);
  }
  if (err instanceof InvalidTransitionError) err = new GlanceError(409, err.message);
  if (!(err instanceof GlanceError) && isDatabaseUnavailable(err)) {
    logger.warn({ ...where, err: (err as Error)?.message }, 'database unavailable');
    err = new DatabaseUnavailable();
  }
  if (!(err instanceof GlanceError)) {
    logger.error({ err, ...where }, 'unhandled error');
    err = new GlanceError(500, 'The server has either erred or is incapable of performing the requested operation.');
  }
  // The console's browser code always reads JSON.
  const res = errorResponse(err as GlanceError, dialect === 'console' ? 'application/json' : accept);
  // Glance's auth middleware rejects before a request id exists: its 401s carry none.
  return err instanceof Unauthorized ? res : stamp(res, dialect, requestId);
}

/** 403 in the console's JSON for a state-changing request from another origin; null when it may go on. */
export function crossOriginRefusal(req: Request): Response | null {
  try {
    assertSameOrigin(req.method, req.headers);
    return null;
  } catch (err) {
    return toErrorResponse(err, 'console', null, newRequestId(), req);
  }
}

const BODY_ENCODINGS = ['chunked', 'compress', 'deflate', 'gzip', 'identity'];

/** Glance's has_body(): a known Transfer-Encoding, or a positive Content-Length. */
export function hasBody(req: Request): boolean {
  if (BODY_ENCODINGS.includes((req.headers.get('transfer-encoding') ?? '').toLowerCase())) return true;
  return Number(req.headers.get('content-length') ?? 0) > 0;
}

/** Glance's router has no path ending in "/" (such as /v2/images/); Next matches them to the one without. */
export function endsInSlash(req: Request): boolean {
  const path = new URL(req.url).pathname;
  return path.length > 1 && path.endsWith('/');
}

export interface RouteOptions {
  dialect: Dialect;
  auth: AuthMode;
  /** Glance's body_reject: 400 when a request that takes no body has one. */
  rejectBody?: boolean;
}

/** What a handler of an authenticated route (Glance API, console) gets. */
export interface Call<P> {
  req: NextRequest;
  ctx: RequestContext;
  params: P;
}

/** What a handler of the identity API gets: its token is checked only when the handler asks. */
export interface IdentityCall<P> {
  req: NextRequest;
  params: P;
  /** The server's base URL as the client reaches it, and the identity API under it. */
  base: string;
  v3: string;
  /** The token in X-Auth-Token, or 401. */
  caller(): Promise<ValidToken>;
}

type Segment<P> = { params: Promise<P> };
type Wrapped<P, A> = (req: NextRequest, segment: Segment<P>) => Promise<A | Response>;

/** Who calls, by the route's auth mode: a context, or an answer that ends the request here. */
async function authenticate(req: NextRequest, options: RouteOptions, requestId: string): Promise<RequestContext | Response | null> {
  if (options.auth === 'token') {
    try {
      return await contextFromHeaders(req.headers, requestId, baseUrl(req));
    } catch (err) {
      // Rejected before a request context exists (Glance's auth middleware runs
      // before its context middleware): no request id on these answers.
      if (err instanceof TokenRequired) return err.toResponse();
      if (err instanceof GlanceError) return errorResponse(err, req.headers.get('accept'));
      return toErrorResponse(err, options.dialect, req.headers.get('accept'), requestId, req);
    }
  }
  if (options.auth === 'console-session') {
    let ctx: RequestContext | null;
    try {
      // The request's own headers, not Next's headers(): Pages API routes use this wrapper too.
      ctx = await signedInContext(req.headers);
    } catch (err) {
      // The session lives in the database: when that is down, say so (503), not 500.
      return toErrorResponse(err, options.dialect, req.headers.get('accept'), newRequestId(), req);
    }
    return ctx ?? new Response(null, { status: 307, headers: { Location: SIGN_IN_PATH } });
  }
  return null;
}

/** Wrap a handler: request id, authentication, the dialect's checks, and every error in the dialect's format. */
export function route<P = Record<string, never>, A extends Answered = Response>(
  options: RouteOptions & { auth: 'token' | 'console-session' },
  handler: (call: Call<P>) => Promise<A>,
): Wrapped<P, A>;
export function route<P = Record<string, never>>(
  options: RouteOptions & { dialect: 'keystone'; auth: 'none' },
  handler: (call: IdentityCall<P>) => Promise<Response>,
): Wrapped<P, Response>;
export function route<P, A extends Answered>(options: RouteOptions, handler: (call: never) => Promise<A>): Wrapped<P, A> {
  const { dialect } = options;
  return async (req, segment) => {
    const requestId = newRequestId();
    if (dialect === 'console') {
      const refused = crossOriginRefusal(req);
      if (refused) return refused;
    }
    const who = await authenticate(req, options, requestId);
    if (who instanceof Response) return who;
    // The console answers with the id of its request context; its successes carry none.
    const errorId = who?.requestId ?? requestId;
    try {
      const params = segment?.params ? await segment.params : ({} as P);
      if (dialect === 'keystone') {
        if (!identityEnabled()) throw new KeystoneError(404, 'The identity API is not served here: this service uses another Keystone or no authentication.');
        const base = baseUrl(req);
        let caller: ValidToken | null = null;
        const call: IdentityCall<P> = {
          req,
          params,
          base,
          v3: `${base}/v3`,
          caller: async () => {
            caller ??= await validateToken(req.headers.get('x-auth-token'));
            if (!caller) throw authRequired();
            return caller;
          },
        };
        return stamp(await (handler as (call: IdentityCall<P>) => Promise<A>)(call), dialect, requestId);
      }
      if (dialect === 'glance') {
        if (endsInSlash(req)) throw new NotFound();
        if (options.rejectBody && hasBody(req)) throw new BadRequest('A body is not expected with this request.');
      }
      const answer = await (handler as (call: Call<P>) => Promise<A>)({ req, ctx: who as RequestContext, params });
      return dialect === 'glance' ? stamp(answer, dialect, requestId) : answer;
    } catch (err) {
      return toErrorResponse(err, dialect, req.headers.get('accept'), errorId, req);
    }
  };
}
