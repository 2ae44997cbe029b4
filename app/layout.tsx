import type { Metadata } from 'next';
import './globals.css';

export const metadata: Metadata = {
  title: 'Images · Glance console',
  description: 'OpenStack Glance-compatible image service',
  // No favicon request (and no 404 in the browser console), the sign-in page included.
  icons: { icon: 'data:,' },
};

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-screen bg-slate-50 text-slate-900 antialiased">{children}</body>
    </html>
  );
}
