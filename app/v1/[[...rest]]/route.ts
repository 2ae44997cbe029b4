// /v1/...: Glance no longer serves v1; its version negotiation answers any
// unknown version prefix with the version list (300 Multiple Choices).
import type { NextRequest } from 'next/server';
import { baseUrl } from '@/lib/http/base-url';
import { json } from '@/lib/http/respond';
import { versionsDocument } from '@/lib/versions';

export const dynamic = 'force-dynamic';

const versions = async (req: NextRequest) => json(versionsDocument(baseUrl(req)), 300);
export { versions as GET, versions as HEAD, versions as POST, versions as PUT, versions as PATCH, versions as DELETE };
