// GET/POST/PUT/DELETE /v2/metadefs/namespaces/{namespace}/tags/{tag}.
import { json, noContent } from '@/lib/http/respond';
import { glanceRoute, methodNotAllowed, readJson } from '@/http/glance-route';
import { createTag, deleteTag, showTag, updateTag } from '@/lib/metadefs/tags';

export const dynamic = 'force-dynamic';

type Params = { namespace: string; tag: string };
const d = decodeURIComponent;

export const GET = glanceRoute<Params>(async ({ ctx, params }) => json(await showTag(ctx, d(params.namespace), d(params.tag))), { rejectBody: true });

export const POST = glanceRoute<Params>(async ({ ctx, params }) => json(await createTag(ctx, d(params.namespace), d(params.tag)), 201), { rejectBody: true });

export const PUT = glanceRoute<Params>(async ({ req, ctx, params }) => json(await updateTag(ctx, d(params.namespace), d(params.tag), await readJson(req))));

export const DELETE = glanceRoute<Params>(
  async ({ ctx, params }) => {
    await deleteTag(ctx, d(params.namespace), d(params.tag));
    return noContent();
  },
  { rejectBody: true },
);

export const { PATCH, HEAD, OPTIONS } = methodNotAllowed(['GET', 'POST', 'PUT', 'DELETE']);
