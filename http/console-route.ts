// The adapter for the console's JSON routes: the signed-in context from the
// console session, and errors as Glance's JSON error body
// ({message, code, title}) so the browser can show the API's own words.
// Requests that change something must come from the console's own origin.
import { randomUUID } from 'node:crypto';
import type { NextRequest } from 'next/server';
import type { RequestContext } from '@/lib/auth/context';
import { toErrorResponse } from '@/http/glance-route';
import { signedInContext } from '@/http/next-auth';
import { assertSameOrigin } from '@/lib/console/same-origin';
import { SIGN_IN_PATH } from './console-session';

type Segment<P> = { params: Promise<P> };

/** The request as toErrorResponse sees it: errors always in JSON for the console. */
const asJson = (req: Request) => ({ method: req.method, url: req.url, headers: new Headers({ accept: 'application/json' }) }) as Request;

/** 403 in Glance's JSON for a state-changing request from another origin; null when it may go on. */
export function crossOriginRefusal(req: Request): Response | null {
  try {
    assertSameOrigin(req.method, req.headers);
    return null;
  } catch (err) {
    return toErrorResponse(err, asJson(req), `req-${randomUUID()}`);
  }
}

export function consoleRoute<P = Record<string, never>, A = Response>(handler: (call: { req: NextRequest; ctx: RequestContext; params: P }) => Promise<A>) {
  return async (req: NextRequest, segment: Segment<P>): Promise<A | Response> => {
    const refused = crossOriginRefusal(req);
    if (refused) return refused;
    let ctx: RequestContext | null;
    try {
      // The request's own headers, not Next's headers(): Pages API routes
      // (the console's download) use this wrapper too.
      ctx = await signedInContext(req.headers);
    } catch (err) {
      // The session lives in the database: when that is down, say so (503), not 500.
      return toErrorResponse(err, asJson(req), `req-${randomUUID()}`);
    }
    if (!ctx) return new Response(null, { status: 307, headers: { Location: SIGN_IN_PATH } });
    try {
      const params = segment?.params ? await segment.params : ({} as P);
      return await handler({ req, ctx, params });
    } catch (err) {
      return toErrorResponse(err, asJson(req), ctx.requestId);
    }
  };
}
