// The console's JSON routes' view of the one route wrapper (http/route.ts):
// the signed-in context from the console session, errors as Glance's JSON
// body ({message, code, title}) so the browser can show the API's own words,
// and state-changing requests only from the console's own origin.
import type { RequestContext } from '@/lib/auth/context';
import type { NextRequest } from 'next/server';
import { crossOriginRefusal, route } from '@/http/route';

export { crossOriginRefusal };

export function consoleRoute<P = Record<string, never>, A extends { headers: Headers } = Response>(
  handler: (call: { req: NextRequest; ctx: RequestContext; params: P }) => Promise<A>,
) {
  return route<P, A>({ dialect: 'console', auth: 'console-session' }, handler);
}
