// Console: the metadata definitions namespaces (Glance's list and its
// parameters) and "Import namespace" (a namespace document, children included).
import { json } from '@/lib/http/respond';
import { readJson } from '@/http/glance-route';
import { consoleRoute } from '@/http/console-route';
import { readListParams } from '@/lib/metadefs/list-params';
import { createNamespace, listNamespaces, NAMESPACE_SORT_KEYS } from '@/lib/metadefs/namespaces';

export const dynamic = 'force-dynamic';

export const GET = consoleRoute(async ({ req, ctx }) => {
  const query = req.nextUrl.searchParams;
  return json(await listNamespaces(ctx, readListParams(query, NAMESPACE_SORT_KEYS), query));
});

export const POST = consoleRoute(async ({ req, ctx }) => json(await createNamespace(ctx, await readJson(req)), 201));
