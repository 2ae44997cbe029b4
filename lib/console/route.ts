// The adapter for the console's JSON routes: the signed-in context from the
// console session, and errors as Glance's JSON error body
// ({message, code, title}) so the browser can show the API's own words.
import { randomUUID } from 'node:crypto';
import type { NextRequest } from 'next/server';
import type { RequestContext } from '@/lib/auth/context';
import { toErrorResponse } from '@/lib/http/route';
import { signedInContext } from '@/lib/auth/next-auth';
import { SIGN_IN_PATH } from './session';

type Segment<P> = { params: Promise<P> };

export function consoleRoute<P = Record<string, never>>(handler: (call: { req: NextRequest; ctx: RequestContext; params: P }) => Promise<Response>) {
  return async (req: NextRequest, segment: Segment<P>): Promise<Response> => {
    const asJson = { method: req.method, url: req.url, headers: new Headers({ accept: 'application/json' }) } as Request;
    let ctx: RequestContext | null;
    try {
      // The request's own headers, not Next's headers(): Pages API routes
      // (the console's download) use this wrapper too.
      ctx = await signedInContext(req.headers);
    } catch (err) {
      // The session lives in the database: when that is down, say so (503), not 500.
      return toErrorResponse(err, asJson, `req-${randomUUID()}`);
    }
    if (!ctx) return new Response(null, { status: 307, headers: { Location: SIGN_IN_PATH } });
    try {
      const params = segment?.params ? await segment.params : ({} as P);
      return await handler({ req, ctx, params });
    } catch (err) {
      return toErrorResponse(err, asJson, ctx.requestId);
    }
  };
}
