// next-auth's endpoints (/api/auth/csrf, /callback/credentials, /signout, /session ...).
import NextAuth from 'next-auth';
import type { NextRequest } from 'next/server';
import { authOptions } from '@/lib/auth/next-auth';

export const dynamic = 'force-dynamic';

type Ctx = { params: Promise<{ nextauth: string[] }> };

const handler = (req: NextRequest, ctx: Ctx) => NextAuth(req as never, ctx as never, authOptions());

export { handler as GET, handler as POST };
