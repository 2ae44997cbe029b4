// GET /: the versions document (300 Multiple Choices), or the console for a browser.
import type { NextRequest } from 'next/server';
import { baseUrl } from '@/lib/http/base-url';
import { json } from '@/lib/http/respond';
import { versionsDocument } from '@/lib/versions';

export const dynamic = 'force-dynamic';

export async function GET(req: NextRequest) {
  const accept = req.headers.get('accept') ?? '';
  if (/text\/html/.test(accept) && !/application\/json/.test(accept)) {
    return new Response(null, { status: 302, headers: { Location: `${baseUrl(req)}/dashboard` } });
  }
  return versions(req);
}

// Glance answers every method at / with the version list.
async function versions(req: NextRequest) {
  return json(versionsDocument(baseUrl(req)), 300);
}
export { versions as HEAD, versions as POST, versions as PUT, versions as PATCH, versions as DELETE };
