// The namespace shape /v2/metadefs shows (the fields the console reads).
import type { PropertyDef } from '../metadata/catalog';

export interface Namespace {
  namespace: string;
  display_name?: string;
  description?: string;
  visibility: 'public' | 'private';
  protected: boolean;
  owner: string;
  resource_type_associations?: { name: string; prefix?: string; properties_target?: string }[];
  properties?: Record<string, PropertyDef>;
  objects?: { name: string; description?: string; required?: string[]; properties?: Record<string, PropertyDef> }[];
  tags?: { name: string }[];
}

export const nsPath = (name: string) => `/metadefs/namespaces/${encodeURIComponent(name)}`;

/** PUT replaces every field, so a change sends the namespace's own fields with one of them changed. */
export function namespaceUpdate(ns: Namespace, change: Partial<Pick<Namespace, 'visibility' | 'protected'>>) {
  const { namespace, display_name, description, visibility, owner } = ns;
  return { namespace, display_name, description, visibility, protected: ns.protected, owner, ...change };
}
