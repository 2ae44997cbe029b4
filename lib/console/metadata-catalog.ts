// The catalog Horizon's "Update Metadata" dialog reads for one resource type:
// every namespace associated with it, each shown with that type's prefix
// applied (properties and objects' properties), in one answer.
import type { RequestContext } from '@/lib/auth/context';
import { readListParams } from '@/lib/metadefs/list-params';
import { listNamespaces, NAMESPACE_SORT_KEYS, showNamespace } from '@/lib/metadefs/namespaces';

/** Enough for every namespace Glance ships; the list's own cap (1000) bounds the rest. */
const PAGE = '1000';

export async function metadataCatalog(ctx: RequestContext, resourceType: string) {
  const query = new URLSearchParams({ resource_types: resourceType, limit: PAGE, sort_key: 'namespace', sort_dir: 'asc' });
  const list = (await listNamespaces(ctx, readListParams(query, NAMESPACE_SORT_KEYS), query)) as { namespaces: { namespace: string }[] };
  const namespaces = await Promise.all(list.namespaces.map((ns) => showNamespace(ctx, ns.namespace, resourceType)));
  return { resource_type: resourceType, namespaces };
}
