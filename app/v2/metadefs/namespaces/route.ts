// GET /v2/metadefs/namespaces (list) and POST (create, children included).
import { baseUrl } from '@/lib/http/base-url';
import { json } from '@/lib/http/respond';
import { glanceRoute, methodNotAllowed, readJson } from '@/http/glance-route';
import { readListParams } from '@/lib/metadefs/list-params';
import { createNamespace, listNamespaces, NAMESPACE_SORT_KEYS } from '@/lib/metadefs/namespaces';
import { namespaceHref } from '@/lib/metadefs/view';

export const dynamic = 'force-dynamic';

export const GET = glanceRoute(async ({ req, ctx }) => {
  const query = req.nextUrl.searchParams;
  return json(await listNamespaces(ctx, readListParams(query, NAMESPACE_SORT_KEYS), query));
});

export const POST = glanceRoute(async ({ req, ctx }) => {
  const ns = await createNamespace(ctx, await readJson(req));
  // webob makes Glance's relative Location absolute.
  return json(ns, 201, { Location: `${baseUrl(req)}${namespaceHref(ns.namespace)}` });
});

export const { PUT, PATCH, DELETE, HEAD, OPTIONS } = methodNotAllowed(['GET', 'POST']);
