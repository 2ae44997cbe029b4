// A tiny browser stand-in for next-auth's endpoints: a cookie jar over fetch,
// sign-in through the credentials callback, sign-out, as the console's form does.
/** A tiny cookie jar over fetch, as a browser would keep it. */
export function consoleBrowser(base: string) {
  const jar = new Map<string, string>();
  const fetchWith = async (path: string, init: RequestInit = {}) => {
    const res = await fetch(base + path, {
      ...init,
      redirect: 'manual',
      headers: { ...(init.headers as Record<string, string>), Cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') },
    });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair.indexOf('=');
      const name = pair.slice(0, i);
      const value = pair.slice(i + 1);
      if (value === '' || /max-age=0|expires=Thu, 01 Jan 1970/i.test(c)) jar.delete(name);
      else jar.set(name, value);
    }
    return res;
  };
  const csrf = async () => ((await (await fetchWith('/api/auth/csrf')).json()) as { csrfToken: string }).csrfToken;
  const form = (fields: Record<string, string>) => ({
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });
  return {
    jar,
    fetch: fetchWith,
    async signIn(fields: Record<string, string>) {
      const res = await fetchWith('/api/auth/callback/credentials', form({ csrfToken: await csrf(), json: 'true', ...fields }));
      return (await res.json()) as { url: string };
    },
    async signOut() {
      const res = await fetchWith('/api/auth/signout', form({ csrfToken: await csrf(), json: 'true' }));
      return res.status;
    },
  };
}

export const sessionCookie = (jar: Map<string, string>) => [...jar.keys()].find((k) => k.includes('session-token'));
