// next-auth (v4) for the console: a credentials sign-in (user, password,
// project, domain) against the same identity service the API uses. The JWT
// cookie (encrypted) carries only a session id; the token stays server-side
// (lib/identity/console-session.ts). Sign-out revokes the token.
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { NextAuthOptions } from 'next-auth';
import CredentialsProvider from 'next-auth/providers/credentials';
import { headers } from 'next/headers';
import { contextFromHeaders, noauthContext, type RequestContext } from '@/lib/auth/context';
import { getConfig } from '@/lib/config';
import { consoleSecret } from '@/lib/identity/console-secret';
import { consoleSessionContext, endConsoleSession, signInWithPassword } from '@/lib/identity/console-session';

let options: NextAuthOptions | null = null;

/** The client address of the request being handled by next-auth (its authorize() only sees headers). */
export const signInSource = new AsyncLocalStorage<string | null>();

/** next-auth's options; the secret is shared by every node (lib/identity/console-secret.ts). */
export async function authOptions(): Promise<NextAuthOptions> {
  if (options) return options;
  const secret = await consoleSecret();
  if (options) return options;
  const config = getConfig();
  // Links and cookies follow the Host the browser used (or the configured public endpoint).
  if (config.publicEndpoint) process.env.NEXTAUTH_URL ??= `${config.publicEndpoint}/api/auth`;
  process.env.AUTH_TRUST_HOST ??= '1';
  options = {
    secret,
    session: { strategy: 'jwt', maxAge: config.identity.tokenExpiration },
    pages: { signIn: '/dashboard/login', error: '/dashboard/login' },
    providers: [
      CredentialsProvider({
        name: 'OpenStack',
        credentials: {
          username: { label: 'User Name', type: 'text' },
          password: { label: 'Password', type: 'password' },
          project: { label: 'Project', type: 'text' },
          domain: { label: 'Domain', type: 'text' },
        },
        async authorize(c) {
          const s = await signInWithPassword({
            username: c?.username ?? '',
            password: c?.password ?? '',
            project: c?.project ?? '',
            domain: c?.domain || 'Default',
          }, signInSource.getStore() ?? null);
          return s ? { id: s.sessionId, name: s.userName, project: s.projectName } : null;
        },
      }),
    ],
    callbacks: {
      jwt({ token, user }) {
        if (user) {
          token.sid = user.id;
          token.project = (user as { project?: string | null }).project ?? null;
          token.sub = undefined; // the session id is a secret: keep it only in `sid`
        }
        return token;
      },
      session({ session, token }) {
        // What the browser may see: names only, never the session id or a token.
        session.user = { name: token.name ?? null, email: null, image: null };
        (session as { project?: unknown }).project = token.project ?? null;
        return session;
      },
    },
    events: {
      async signOut({ token }) {
        if (typeof token?.sid === 'string') await endConsoleSession(token.sid);
      },
    },
  };
  return options;
}

/**
 * Who is using the console: the signed-in session (keystone flavor), the
 * trusted front end's headers, or noauth's admin. Null = must sign in.
 * `requestHeaders`: the request's headers where Next's headers() is not
 * available (Pages API routes); by default the current request's.
 */
export async function signedInContext(requestHeaders?: Headers): Promise<RequestContext | null> {
  const h = requestHeaders ?? (await headers());
  const requestId = `req-${randomUUID()}`;
  const config = getConfig();
  if (config.authFlavor === 'noauth') return noauthContext(requestId, config);
  if (config.authFlavor === 'trusted-headers') {
    try {
      return await contextFromHeaders(h, requestId, '');
    } catch {
      return null;
    }
  }
  const sid = await sessionId(h);
  return sid ? consoleSessionContext(sid, requestId) : null;
}

/** The Cookie header as name -> value; a cookie that does not decode is ignored (it is not ours). */
function parseCookies(header: string): Record<string, string> {
  const cookies: Record<string, string> = {};
  for (const pair of header.split(/;\s*/)) {
    const i = pair.indexOf('=');
    if (i <= 0) continue;
    try {
      cookies[decodeURIComponent(pair.slice(0, i))] = decodeURIComponent(pair.slice(i + 1));
    } catch {
      // URIError: malformed percent-encoding
    }
  }
  return cookies;
}

/** The session id inside the (server-decrypted) next-auth JWT cookie. */
async function sessionId(h: Headers): Promise<string | null> {
  const { getToken } = await import('next-auth/jwt');
  const cookies = parseCookies(h.get('cookie') ?? '');
  // Behind an HTTPS front end next-auth names the cookie __Secure-...
  const secureCookie = Object.keys(cookies).some((k) => k.startsWith('__Secure-next-auth.session-token'));
  const jwt = await getToken({ req: { headers: Object.fromEntries(h), cookies } as never, secret: (await authOptions()).secret, secureCookie });
  return typeof jwt?.sid === 'string' ? jwt.sid : null;
}
