'use client';
// Credentials form; next-auth posts them to the credentials provider.
import { signIn } from 'next-auth/react';
import { useState, type FormEvent } from 'react';

export function LoginForm({ initialError }: { initialError: string | null }) {
  const [error, setError] = useState(initialError);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const f = new FormData(e.currentTarget);
    const res = await signIn('credentials', {
      redirect: false,
      username: String(f.get('username') ?? ''),
      password: String(f.get('password') ?? ''),
      project: String(f.get('project') ?? ''),
      domain: String(f.get('domain') ?? 'Default'),
    });
    setBusy(false);
    if (!res || res.error) {
      // CredentialsSignin: refused credentials; anything else is the service's own words (e.g. too many failures).
      setError(!res?.error || res.error === 'CredentialsSignin' ? 'Invalid credentials. Check user name, password, project and domain.' : res.error);
      return;
    }
    window.location.assign('/dashboard');
  }

  const field = 'mt-1 w-full rounded border border-slate-300 px-3 py-2';
  return (
    <form onSubmit={submit} className="w-80 rounded-lg bg-white p-6 shadow" aria-label="Log in">
      <h1 className="mb-4 text-xl font-semibold">Log in</h1>
      {error ? <p role="alert" data-testid="login-error" className="mb-3 rounded bg-red-50 p-2 text-sm text-red-700">{error}</p> : null}
      <label className="block text-sm">User Name<input name="username" autoComplete="username" required className={field} /></label>
      <label className="mt-3 block text-sm">Password<input name="password" type="password" autoComplete="current-password" required className={field} /></label>
      <label className="mt-3 block text-sm">Project<input name="project" required className={field} /></label>
      <label className="mt-3 block text-sm">Domain<input name="domain" defaultValue="Default" className={field} /></label>
      <button type="submit" disabled={busy} className="mt-5 w-full rounded bg-slate-800 py-2 text-white disabled:opacity-50">
        {busy ? 'Signing in…' : 'Sign In'}
      </button>
    </form>
  );
}
