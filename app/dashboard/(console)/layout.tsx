// The signed-in console: navigation around every /dashboard page except
// sign-in. Access is checked here (no middleware.ts: it would make Next
// buffer upload bodies).
import Link from 'next/link';
import { Providers } from '@/components/providers';
import { DatabaseUnreachable } from '@/components/console/database-unreachable';
import { consoleContext } from '@/http/console-session';
import { isDatabaseUnavailable } from '@/lib/db/unavailable';
import { SignOutButton } from '../sign-out-button';

export const dynamic = 'force-dynamic';

export default async function ConsoleLayout({ children }: { children: React.ReactNode }) {
  let ctx;
  try {
    ctx = await consoleContext();
  } catch (err) {
    // Anything else (the sign-in redirect included) is Next's to handle.
    if (!isDatabaseUnavailable(err)) throw err;
    return <DatabaseUnreachable />;
  }
  return (
    <Providers>
      <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:rounded focus:bg-white focus:p-2">
        Skip to content
      </a>
      <header className="border-b border-slate-200 bg-slate-900 text-white">
        <nav aria-label="Console" className="mx-auto flex max-w-7xl flex-wrap items-center gap-x-6 gap-y-2 px-4 py-3">
          <Link href="/dashboard" className="text-lg font-semibold">Glance console</Link>
          <Link href="/dashboard" className="text-sm text-slate-200 hover:text-white">Images</Link>
          <Link href="/dashboard/status-flow" className="text-sm text-slate-200 hover:text-white">Status flow</Link>
          {ctx.isAdmin ? <Link href="/dashboard/metadefs" className="text-sm text-slate-200 hover:text-white">Metadata definitions</Link> : null}
          {ctx.isAdmin ? <Link href="/dashboard/cache" className="text-sm text-slate-200 hover:text-white">Cache</Link> : null}
          <span className="ml-auto flex items-center gap-3 text-xs text-slate-300" data-testid="signed-in-as">
            {ctx.userName ? <span data-testid="console-user">{ctx.userName}</span> : null}
            <span data-testid="console-project">Project: {ctx.projectName ?? ctx.projectId ?? '—'}</span>
            {ctx.isAdmin ? <span>admin</span> : null}
            {ctx.userName ? <SignOutButton /> : null}
          </span>
        </nav>
      </header>
      <main id="main" className="mx-auto max-w-7xl px-3 py-5 sm:px-4">{children}</main>
    </Providers>
  );
}
