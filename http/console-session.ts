// The console's request context: the ONE place console pages and routes learn
// who is signed in (next-auth session, trusted headers, or noauth's admin).
// No session: off to the sign-in page. Server-only.
import { redirect } from 'next/navigation';
import type { RequestContext } from '@/lib/auth/context';
import { signedInContext } from '@/http/next-auth';

export const SIGN_IN_PATH = '/dashboard/login';

export async function consoleContext(): Promise<RequestContext> {
  const ctx = await signedInContext();
  if (!ctx) redirect(SIGN_IN_PATH);
  return ctx;
}
