// Rows of the catalog as Glance's API shows them (the wsme models of glance/api/v2/model/metadef_*.py).
import type { MetadefNamespace, MetadefNamespaceResourceType, MetadefObject, MetadefProperty, MetadefResourceType, MetadefTag } from '@/lib/generated/prisma/client';
import { propertyType, propertyTypes } from './property-type';
import { namespaceHref, objectHref, times } from './view';

export const NAMESPACE_SCHEMA = '/v2/schemas/metadefs/namespace';
export const OBJECT_SCHEMA = '/v2/schemas/metadefs/object';

/** A namespace's own fields; the children go between updated_at and self. */
export function namespaceFields(ns: MetadefNamespace) {
  return {
    namespace: ns.namespace,
    display_name: ns.displayName ?? undefined,
    description: ns.description ?? undefined,
    visibility: ns.visibility ?? 'private',
    protected: ns.protected ?? false,
    owner: ns.owner,
    ...times(ns),
  };
}

export function namespaceView(ns: MetadefNamespace, children: Record<string, unknown> = {}) {
  return { ...namespaceFields(ns), ...children, self: namespaceHref(ns.namespace), schema: NAMESPACE_SCHEMA };
}

export type AssociationRow = MetadefNamespaceResourceType & { resourceType: MetadefResourceType };

export function associationView(a: AssociationRow) {
  return {
    name: a.resourceType.name,
    prefix: a.prefix ?? undefined,
    properties_target: a.propertiesTarget ?? undefined,
    ...times(a),
  };
}

function parseJson(text: string | null): unknown {
  try {
    return text === null ? null : JSON.parse(text);
  } catch {
    return null;
  }
}

/** An object's required list: stored comma-joined, as Glance stores it. */
export function requiredList(text: string | null): string[] {
  return text ? text.split(',') : [];
}

export function objectView(ns: string, o: MetadefObject, prefix: string | null = null) {
  const props = propertyTypes(parseJson(o.jsonSchema));
  const p = (k: string) => (prefix ? prefix + k : k);
  return {
    name: o.name,
    required: requiredList(o.required).map(p),
    description: o.description ?? undefined,
    properties: Object.fromEntries(Object.entries(props).map(([k, v]) => [p(k), v])),
    ...times(o),
    self: objectHref(ns, o.name),
    schema: OBJECT_SCHEMA,
  };
}

export function propertyView(p: MetadefProperty) {
  return propertyType(parseJson(p.jsonSchema));
}

export function tagView(t: MetadefTag) {
  return { name: t.name, ...times(t) };
}
