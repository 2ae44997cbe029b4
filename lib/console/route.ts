// The adapter for the console's JSON routes: the signed-in context from the
// console session, and errors as Glance's JSON error body
// ({message, code, title}) so the browser can show the API's own words.
import type { NextRequest } from 'next/server';
import type { RequestContext } from '@/lib/auth/context';
import { toErrorResponse } from '@/lib/http/route';
import { consoleContext } from './session';

type Segment<P> = { params: Promise<P> };

export function consoleRoute<P = Record<string, never>>(handler: (call: { req: NextRequest; ctx: RequestContext; params: P }) => Promise<Response>) {
  return async (req: NextRequest, segment: Segment<P>): Promise<Response> => {
    // Outside the try: a redirect to the sign-in page must reach Next untouched.
    const ctx = await consoleContext();
    try {
      const params = segment?.params ? await segment.params : ({} as P);
      return await handler({ req, ctx, params });
    } catch (err) {
      const asJson = { method: req.method, url: req.url, headers: new Headers({ accept: 'application/json' }) } as Request;
      return toErrorResponse(err, asJson, ctx.requestId);
    }
  };
}
