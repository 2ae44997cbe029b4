// GET /v3: identity API version discovery.
import { identityRoute, keystoneJson } from '@/http/identity-route';
import { versionDocument } from '@/lib/identity/version';

export const dynamic = 'force-dynamic';

export const GET = identityRoute(async ({ v3 }) => keystoneJson(versionDocument(v3)));
