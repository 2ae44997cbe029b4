// The console's sign-in page (Horizon's: user name, password, project, domain).
import { LoginForm } from './login-form';

export const dynamic = 'force-dynamic';

export default async function LoginPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const q = await searchParams;
  const error = typeof q.error === 'string' ? q.error : null;
  return (
    <main className="flex min-h-screen items-center justify-center bg-slate-100">
      <LoginForm initialError={error ? 'Invalid credentials. Check user name, password, project and domain.' : null} />
    </main>
  );
}
