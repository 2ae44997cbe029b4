// The console's request context: the ONE place the console learns who is
// signed in. Until the identity work lands, the noauth flavor acts as its
// admin and every other flavor is sent to the sign-in page. Server-only.
import { randomUUID } from 'node:crypto';
import { redirect } from 'next/navigation';
import { contextFromHeaders, type RequestContext } from '@/lib/auth/context';
import { getConfig } from '@/lib/config';

export async function consoleContext(): Promise<RequestContext> {
  const config = getConfig();
  if (config.authFlavor !== 'noauth') redirect('/dashboard/login');
  return contextFromHeaders(new Headers(), `req-${randomUUID()}`, config);
}
