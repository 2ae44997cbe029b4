// next-auth's endpoints (/api/auth/csrf, /callback/credentials, /signout, /session ...).
import NextAuth from 'next-auth';
import { NextRequest } from 'next/server';
import { authOptions } from '@/lib/auth/next-auth';
import { errorResponse } from '@/lib/http/respond';
import { readBody } from '@/lib/http/route';
import { GlanceError } from '@/lib/errors';

export const dynamic = 'force-dynamic';

type Ctx = { params: Promise<{ nextauth: string[] }> };

const handler = (req: NextRequest, ctx: Ctx) => NextAuth(req as never, ctx as never, authOptions());

/** Form posts are read here, bounded like every JSON body, then handed to next-auth. */
async function post(req: NextRequest, ctx: Ctx): Promise<Response> {
  let body: Uint8Array;
  try {
    body = await readBody(req);
  } catch (err) {
    if (err instanceof GlanceError) return errorResponse(err, req.headers.get('accept'));
    throw err;
  }
  return handler(new NextRequest(req.url, { method: req.method, headers: req.headers, body: body as BodyInit }), ctx);
}

export { handler as GET, post as POST };
