// Where a project's unified limits come from: this service's own identity
// tables, or, with [keystone_authtoken], that Keystone's /v3/registered_limits
// and /v3/limits for the [oslo_limit] endpoint's service and region (as
// oslo.limit reads them, with this service's own credentials).
import { getConfig, type KeystoneAuthtokenConfig } from '@/lib/config';
import { serviceId } from '@/lib/identity/catalog';
import { serviceGet } from '@/lib/identity/delegated';
import { effectiveLimits } from '@/lib/identity/limits';

type Scope = { serviceId: string; regionId: string | null };
let remoteScope: Promise<Scope> | null = null;

/** The endpoint's service and region: [oslo_limit] endpoint_id, else the service of endpoint_service_type (and endpoint_region_name). */
async function resolveScope(conf: KeystoneAuthtokenConfig): Promise<Scope> {
  const o = getConfig().quotas.osloLimit;
  if (o.endpointId) {
    const { endpoint } = (await serviceGet(conf, `/endpoints/${encodeURIComponent(o.endpointId)}`)) as { endpoint: { service_id: string; region_id: string | null } };
    return { serviceId: endpoint.service_id, regionId: endpoint.region_id };
  }
  const { services } = (await serviceGet(conf, `/services?type=${encodeURIComponent(o.endpointServiceType ?? 'image')}`)) as { services: { id: string }[] };
  if (services.length !== 1) throw new Error(`[oslo_limit] endpoint_service_type ${o.endpointServiceType} matches ${services.length} services at ${conf.authUrl}`);
  return { serviceId: services[0].id, regionId: o.endpointRegionName };
}

async function remoteLimits(conf: KeystoneAuthtokenConfig, projectId: string | null, names: string[]): Promise<Map<string, number>> {
  remoteScope ??= resolveScope(conf).catch((err) => {
    remoteScope = null; // try again on the next request
    throw err;
  });
  const scope = await remoteScope;
  const q = new URLSearchParams({ service_id: scope.serviceId, ...(scope.regionId ? { region_id: scope.regionId } : {}) });
  const out = new Map<string, number>();
  const { registered_limits: registered } = (await serviceGet(conf, `/registered_limits?${q}`)) as { registered_limits: { resource_name: string; default_limit: number }[] };
  for (const r of registered) if (names.includes(r.resource_name) && !out.has(r.resource_name)) out.set(r.resource_name, r.default_limit);
  if (projectId) {
    q.set('project_id', projectId);
    const { limits } = (await serviceGet(conf, `/limits?${q}`)) as { limits: { resource_name: string; resource_limit: number; project_id: string }[] };
    for (const l of limits) if (names.includes(l.resource_name) && l.project_id === projectId) out.set(l.resource_name, l.resource_limit);
  }
  return out;
}

/** The limits found for the project (its own, else the registered defaults); a resource with neither is absent. */
export async function findLimits(projectId: string | null, names: string[]): Promise<Map<string, number>> {
  const config = getConfig();
  if (config.keystoneAuthtoken) return remoteLimits(config.keystoneAuthtoken, projectId, names);
  return effectiveLimits(serviceId('image'), config.identity.region, projectId, names);
}
