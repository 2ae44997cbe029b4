// Console: one namespace with its properties, objects and tags; update
// (public/protected); delete. The rules and messages are /v2/metadefs'.
import { json, noContent } from '@/lib/http/respond';
import { readJson } from '@/http/glance-route';
import { consoleRoute } from '@/http/console-route';
import { deleteNamespace, showNamespace, updateNamespace } from '@/lib/metadefs/namespaces';

export const dynamic = 'force-dynamic';

type Params = { namespace: string };
const name = (p: Params) => decodeURIComponent(p.namespace);

export const GET = consoleRoute<Params>(async ({ req, ctx, params }) =>
  json(await showNamespace(ctx, name(params), req.nextUrl.searchParams.get('resource_type'))),
);

export const PUT = consoleRoute<Params>(async ({ req, ctx, params }) => json(await updateNamespace(ctx, name(params), await readJson(req))));

export const DELETE = consoleRoute<Params>(async ({ ctx, params }) => {
  await deleteNamespace(ctx, name(params));
  return noContent();
});
