// The service catalog of the embedded identity service (Keystone v3's shape):
// this server is the image and the identity service of its own region, with
// the same URL on every interface; an operator may register more endpoints
// (POST /v3/endpoints), e.g. another region's image service that
// glance-download pulls from. Services are fixed: image and identity.
import { createHash, randomUUID } from 'node:crypto';
import { getConfig } from '@/lib/config';
import { db } from '@/lib/db/client';
import type { IdentityEndpoint } from '@/lib/generated/prisma/client';
import { badRequest, notFound } from './errors';

export const INTERFACES = ['public', 'internal', 'admin'] as const;
const SERVICES = [
  { type: 'image', name: 'glance', description: 'Image service', path: '' },
  { type: 'identity', name: 'keystone', description: 'Identity service', path: '/v3' },
] as const;

export interface Endpoint {
  id: string;
  serviceType: string;
  interface: string;
  regionId: string;
  url: string;
  enabled: boolean;
}

function endpointId(type: string, iface: string): string {
  return createHash('md5').update(`${type}:${iface}`).digest('hex');
}

export const serviceId = (type: string) => endpointId(type, 'service');

export function services() {
  return SERVICES.map((s) => ({ id: serviceId(s.type), type: s.type, name: s.name, description: s.description, enabled: true }));
}

/** This server's own endpoints (its region, every interface) and the registered ones. */
export async function endpoints(base: string): Promise<Endpoint[]> {
  const region = getConfig().identity.region;
  const own = SERVICES.flatMap((s) =>
    INTERFACES.map((iface) => ({ id: endpointId(s.type, iface), serviceType: s.type, interface: iface, regionId: region, url: `${base}${s.path}`, enabled: true })),
  );
  const registered = await db().identityEndpoint.findMany({ orderBy: { createdAt: 'asc' } });
  return [...own, ...registered.map(fromRow)];
}

function fromRow(r: IdentityEndpoint): Endpoint {
  return { id: r.id, serviceType: r.serviceType, interface: r.interface, regionId: r.regionId, url: r.url, enabled: r.enabled };
}

/** The catalog a project-scoped token carries: enabled endpoints, grouped by service. */
export async function catalog(base: string) {
  const all = (await endpoints(base)).filter((e) => e.enabled);
  return services().map((s) => ({
    endpoints: all
      .filter((e) => e.serviceType === s.type)
      .map((e) => ({ id: e.id, interface: e.interface, region_id: e.regionId, url: e.url, region: e.regionId })),
    id: s.id,
    type: s.type,
    name: s.name,
  }));
}

/** POST /v3/endpoints' body (service_id, interface, url, region_id or region, enabled): a registered endpoint. */
export async function createEndpoint(raw: unknown): Promise<Endpoint> {
  const doc = raw && typeof raw === 'object' ? (raw as Record<string, unknown>).endpoint : undefined;
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw badRequest("Invalid input for field 'endpoint': 'endpoint' is a required property");
  const e = doc as Record<string, unknown>;
  for (const key of ['service_id', 'interface', 'url']) {
    if (!Object.hasOwn(e, key)) throw badRequest(`Invalid input for field '${key}': '${key}' is a required property`);
  }
  const service = SERVICES.find((s) => serviceId(s.type) === e.service_id);
  if (!service) throw badRequest(`Could not find service: ${String(e.service_id)}.`);
  if (typeof e.interface !== 'string' || !(INTERFACES as readonly string[]).includes(e.interface)) {
    throw badRequest(`Invalid input for field 'interface': ${JSON.stringify(e.interface)} is not one of ['admin', 'internal', 'public']`);
  }
  if (typeof e.url !== 'string' || !/^[a-z][a-z0-9+.-]*:\/\/\S+$/i.test(e.url)) {
    throw badRequest(`Invalid input for field 'url': ${JSON.stringify(e.url)} does not match a URL`);
  }
  const region = e.region_id ?? e.region ?? getConfig().identity.region;
  if (typeof region !== 'string' || region === '' || region.length > 255) throw badRequest(`Invalid input for field 'region_id': ${JSON.stringify(region)}`);
  const enabled = e.enabled ?? true;
  if (typeof enabled !== 'boolean') throw badRequest(`Invalid input for field 'enabled': ${JSON.stringify(enabled)} is not of type 'boolean'`);
  const row = await db().identityEndpoint.create({
    data: { id: randomUUID().replace(/-/g, ''), serviceType: service.type, interface: e.interface, regionId: region, url: e.url.replace(/\/+$/, ''), enabled, createdAt: new Date() },
  });
  return fromRow(row);
}

/** DELETE /v3/endpoints/{id}: only registered endpoints can go (this server's own are configuration). */
export async function deleteEndpoint(id: string): Promise<void> {
  const res = await db().identityEndpoint.deleteMany({ where: { id } });
  if (res.count === 0) throw notFound('endpoint', id);
}

export function endpointView(e: Endpoint, v3: string) {
  return {
    id: e.id,
    interface: e.interface,
    region_id: e.regionId,
    region: e.regionId,
    service_id: serviceId(e.serviceType),
    url: e.url,
    enabled: e.enabled,
    links: { self: `${v3}/endpoints/${e.id}` },
  };
}

export function serviceView(s: ReturnType<typeof services>[number], v3: string) {
  return { ...s, links: { self: `${v3}/services/${s.id}` } };
}
