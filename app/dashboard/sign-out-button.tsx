'use client';
// Sign-out: next-auth's signOut, whose server event revokes the session's token.
import { signOut } from 'next-auth/react';

export function SignOutButton() {
  return (
    <button
      type="button"
      onClick={() => signOut({ callbackUrl: '/dashboard/login' })}
      className="rounded border border-slate-500 px-3 py-1 hover:bg-slate-700"
    >
      Sign Out
    </button>
  );
}
