// GET/POST/DELETE /v2/metadefs/namespaces/{namespace}/objects.
import { json, noContent } from '@/lib/http/respond';
import { glanceRoute, methodNotAllowed, readJson } from '@/http/glance-route';
import { readListParams } from '@/lib/metadefs/list-params';
import { deleteAllOf } from '@/lib/metadefs/namespaces';
import { createObject, listObjects } from '@/lib/metadefs/objects';

export const dynamic = 'force-dynamic';

type Params = { namespace: string };
const name = (p: Params) => decodeURIComponent(p.namespace);

export const GET = glanceRoute<Params>(async ({ req, ctx, params }) => {
  // Validated as Glance's deserializer does, though its repository then lists every object.
  readListParams(req.nextUrl.searchParams, null);
  return json(await listObjects(ctx, name(params)));
});

export const POST = glanceRoute<Params>(async ({ req, ctx, params }) => json(await createObject(ctx, name(params), await readJson(req)), 201));

export const DELETE = glanceRoute<Params>(async ({ ctx, params }) => {
  await deleteAllOf(ctx, name(params), 'objects');
  return noContent();
});

export const { PUT, PATCH, HEAD, OPTIONS } = methodNotAllowed(['GET', 'POST', 'DELETE']);
