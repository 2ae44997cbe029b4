// GET/PUT/DELETE /v2/metadefs/namespaces/{namespace}/objects/{object}.
import { json, noContent } from '@/lib/http/respond';
import { glanceRoute, methodNotAllowed, readJson } from '@/http/glance-route';
import { deleteObject, showObject, updateObject } from '@/lib/metadefs/objects';

export const dynamic = 'force-dynamic';

type Params = { namespace: string; object: string };
const d = decodeURIComponent;

export const GET = glanceRoute<Params>(async ({ ctx, params }) => json(await showObject(ctx, d(params.namespace), d(params.object))), { rejectBody: true });

export const PUT = glanceRoute<Params>(async ({ req, ctx, params }) =>
  json(await updateObject(ctx, d(params.namespace), d(params.object), await readJson(req))),
);

export const DELETE = glanceRoute<Params>(
  async ({ ctx, params }) => {
    await deleteObject(ctx, d(params.namespace), d(params.object));
    return noContent();
  },
  { rejectBody: true },
);

export const { POST, PATCH, HEAD, OPTIONS } = methodNotAllowed(['GET', 'PUT', 'DELETE']);
