// Every console page but the sign-in form: only for a signed-in user (no
// middleware.ts: it would make Next buffer upload bodies).
import { redirect } from 'next/navigation';
import type { ReactNode } from 'react';
import { consoleContext } from '@/lib/auth/next-auth';
import { SignOutButton } from '../sign-out-button';

export const dynamic = 'force-dynamic';

export default async function ConsoleLayout({ children }: { children: ReactNode }) {
  const ctx = await consoleContext();
  if (!ctx) redirect('/dashboard/login');
  return (
    <div className="min-h-screen bg-slate-50">
      <header className="flex items-center justify-between border-b border-slate-200 bg-white px-6 py-3">
        <span className="font-semibold">Images</span>
        <span className="flex items-center gap-4 text-sm text-slate-600">
          {ctx.projectName ? <span data-testid="console-project">Project: {ctx.projectName}</span> : null}
          {ctx.userName ? <span data-testid="console-user">{ctx.userName}</span> : null}
          {ctx.userName ? <SignOutButton /> : null}
        </span>
      </header>
      {children}
    </div>
  );
}
