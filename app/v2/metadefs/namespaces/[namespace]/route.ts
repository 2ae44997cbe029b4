// GET/PUT/DELETE /v2/metadefs/namespaces/{namespace}.
import { json, noContent } from '@/lib/http/respond';
import { glanceRoute, methodNotAllowed, readJson } from '@/http/glance-route';
import { deleteNamespace, showNamespace, updateNamespace } from '@/lib/metadefs/namespaces';

export const dynamic = 'force-dynamic';

type Params = { namespace: string };
const name = (p: Params) => decodeURIComponent(p.namespace);

export const GET = glanceRoute<Params>(
  async ({ req, ctx, params }) => json(await showNamespace(ctx, name(params), req.nextUrl.searchParams.get('resource_type'))),
  { rejectBody: true },
);

export const PUT = glanceRoute<Params>(async ({ req, ctx, params }) => json(await updateNamespace(ctx, name(params), await readJson(req))));

export const DELETE = glanceRoute<Params>(
  async ({ ctx, params }) => {
    await deleteNamespace(ctx, name(params));
    return noContent();
  },
  { rejectBody: true },
);

export const { POST, PATCH, HEAD, OPTIONS } = methodNotAllowed(['GET', 'PUT', 'DELETE']);
