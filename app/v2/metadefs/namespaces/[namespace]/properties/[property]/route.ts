// GET/PUT/DELETE /v2/metadefs/namespaces/{namespace}/properties/{property}.
import { json, noContent } from '@/lib/http/respond';
import { glanceRoute, methodNotAllowed, readJson } from '@/http/glance-route';
import { deleteProperty, showProperty, updateProperty } from '@/lib/metadefs/properties';

export const dynamic = 'force-dynamic';

type Params = { namespace: string; property: string };
const d = decodeURIComponent;

export const GET = glanceRoute<Params>(async ({ req, ctx, params }) =>
  json(await showProperty(ctx, d(params.namespace), d(params.property), req.nextUrl.searchParams.get('resource_type'))),
);

export const PUT = glanceRoute<Params>(async ({ req, ctx, params }) =>
  json(await updateProperty(ctx, d(params.namespace), d(params.property), await readJson(req))),
);

export const DELETE = glanceRoute<Params>(async ({ ctx, params }) => {
  await deleteProperty(ctx, d(params.namespace), d(params.property));
  return noContent();
});

export const { POST, PATCH, HEAD, OPTIONS } = methodNotAllowed(['GET', 'PUT', 'DELETE']);
