// GET/POST/DELETE /v2/metadefs/namespaces/{namespace}/properties.
import { json, noContent } from '@/lib/http/respond';
import { glanceRoute, methodNotAllowed, readJson } from '@/http/glance-route';
import { deleteAllOf } from '@/lib/metadefs/namespaces';
import { createProperty, listProperties } from '@/lib/metadefs/properties';

export const dynamic = 'force-dynamic';

type Params = { namespace: string };
const name = (p: Params) => decodeURIComponent(p.namespace);

export const GET = glanceRoute<Params>(async ({ ctx, params }) => json(await listProperties(ctx, name(params))), { rejectBody: true });

export const POST = glanceRoute<Params>(async ({ req, ctx, params }) => json(await createProperty(ctx, name(params), await readJson(req)), 201));

export const DELETE = glanceRoute<Params>(async ({ ctx, params }) => {
  await deleteAllOf(ctx, name(params), 'properties');
  return noContent();
});

export const { PUT, PATCH, HEAD, OPTIONS } = methodNotAllowed(['GET', 'POST', 'DELETE']);
