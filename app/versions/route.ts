import type { NextRequest } from 'next/server';
import { baseUrl } from '@/lib/http/base-url';
import { json } from '@/lib/http/respond';
import { versionsDocument } from '@/lib/versions';

export const dynamic = 'force-dynamic';

export async function GET(req: NextRequest) {
  return json(versionsDocument(baseUrl(req)), 200);
}
