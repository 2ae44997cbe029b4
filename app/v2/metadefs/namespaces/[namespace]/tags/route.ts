// GET/POST/DELETE /v2/metadefs/namespaces/{namespace}/tags (POST: the bulk create, X-Openstack-Append).
import { json, noContent } from '@/lib/http/respond';
import { glanceRoute, methodNotAllowed, readJson } from '@/http/glance-route';
import { readListParams } from '@/lib/metadefs/list-params';
import { deleteAllOf } from '@/lib/metadefs/namespaces';
import { createTags, listTags, TAG_SORT_KEYS } from '@/lib/metadefs/tags';

export const dynamic = 'force-dynamic';

type Params = { namespace: string };
const name = (p: Params) => decodeURIComponent(p.namespace);

/** oslo's strutils.bool_from_string. */
const truthy = (v: string | null) => ['1', 't', 'true', 'on', 'y', 'yes'].includes((v ?? '').trim().toLowerCase());

export const GET = glanceRoute<Params>(async ({ req, ctx, params }) => {
  const query = req.nextUrl.searchParams;
  const list = readListParams(query, TAG_SORT_KEYS);
  return json(await listTags(ctx, name(params), { ...list, limitGiven: Boolean(query.get('limit')) }));
});

export const POST = glanceRoute<Params>(async ({ req, ctx, params }) =>
  json(await createTags(ctx, name(params), await readJson(req), truthy(req.headers.get('x-openstack-append'))), 201),
);

export const DELETE = glanceRoute<Params>(async ({ ctx, params }) => {
  await deleteAllOf(ctx, name(params), 'tags');
  return noContent();
});

export const { PUT, PATCH, HEAD, OPTIONS } = methodNotAllowed(['GET', 'POST', 'DELETE']);
