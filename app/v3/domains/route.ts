// GET /v3/domains (?name=).
import { listDomains } from '@/lib/identity/directory';
import { identityRoute, keystoneJson } from '@/http/identity-route';
import { collection, domainView } from '@/lib/identity/views';

export const dynamic = 'force-dynamic';

export const GET = identityRoute(async ({ req, caller, v3 }) => {
  const rows = await listDomains(await caller(), req.nextUrl.searchParams);
  return keystoneJson(collection('domains', rows.map((d) => domainView(d, v3)), `${v3}/domains`));
});
