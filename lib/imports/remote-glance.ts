// Where glance-download finds the other region's image service: as Glance's
// get_glance_endpoint, in the service catalog of the requesting user's token
// (service type 'image', the endpoint whose region matches, case-insensitively,
// on the requested interface). The catalog comes from the identity service
// that issued the token: our own (embedded), the delegated Keystone
// (GET /v3/auth/catalog with the user's token), or keystonemiddleware's
// X-Service-Catalog header (trusted-headers flavor).
import { getConfig } from '@/lib/config';
import { catalog as ownCatalog } from '@/lib/identity/catalog';

/** What the request that started the import leaves for its run (kept in memory only, never stored). */
export interface RemoteCredentials {
  token: string | null;
  baseUrl: string | undefined;
  serviceCatalog: string | null | undefined;
}

/** Glance's GlanceEndpointNotFound. */
export class GlanceEndpointNotFound extends Error {
  constructor(region: string, iface: string) {
    super(`${iface} glance endpoint not found for region ${region}`);
  }
}

type CatalogEndpoint = Record<string, unknown>;
type CatalogService = { type?: unknown; endpoints?: unknown };

/** The image endpoint's URL in `catalog` (Keystone v3 entries, or v2's publicURL/internalURL/adminURL form), else null. */
export function findGlanceEndpoint(catalog: unknown, region: string, iface: string): string | null {
  if (!Array.isArray(catalog)) return null;
  for (const service of catalog as CatalogService[]) {
    if (service?.type !== 'image' || !Array.isArray(service.endpoints)) continue;
    for (const e of service.endpoints as CatalogEndpoint[]) {
      const where = e.region ?? e.region_id;
      if (typeof where !== 'string' || where.toLowerCase() !== region.toLowerCase()) continue;
      const url = e.interface === undefined ? e[`${iface}URL`] : e.interface === iface ? e.url : undefined;
      if (typeof url === 'string' && url !== '') return url.replace(/\/+$/, '');
    }
  }
  return null;
}

async function catalogOf(creds: RemoteCredentials): Promise<unknown> {
  const conf = getConfig();
  if (conf.authFlavor === 'trusted-headers') return creds.serviceCatalog ? JSON.parse(creds.serviceCatalog) : [];
  if (conf.authFlavor !== 'keystone' || !creds.token) return [];
  if (!conf.keystoneAuthtoken) return ownCatalog(creds.baseUrl ?? '');
  const authUrl = conf.keystoneAuthtoken.authUrl.replace(/\/+$/, '');
  const res = await fetch(`${/\/v3$/.test(authUrl) ? authUrl : `${authUrl}/v3`}/auth/catalog`, {
    headers: { 'X-Auth-Token': creds.token, Accept: 'application/json' },
    signal: AbortSignal.timeout(30_000),
  });
  if (res.status !== 200) {
    await res.arrayBuffer().catch(() => {});
    throw new Error(`The service catalog could not be read from the identity service (HTTP ${res.status})`);
  }
  return ((await res.json()) as { catalog?: unknown }).catalog;
}

/** The other region's image endpoint, or GlanceEndpointNotFound. */
export async function glanceEndpoint(creds: RemoteCredentials, region: string, iface: string): Promise<string> {
  let found: string | null = null;
  try {
    found = findGlanceEndpoint(await catalogOf(creds), region, iface);
  } catch (err) {
    if (err instanceof SyntaxError) throw new GlanceEndpointNotFound(region, iface);
    throw err;
  }
  if (!found) throw new GlanceEndpointNotFound(region, iface);
  return found;
}
