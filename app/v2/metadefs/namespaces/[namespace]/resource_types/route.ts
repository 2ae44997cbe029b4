// GET/POST /v2/metadefs/namespaces/{namespace}/resource_types: the namespace's associations.
import { json } from '@/lib/http/respond';
import { glanceRoute, methodNotAllowed, readJson } from '@/http/glance-route';
import { createAssociation, listAssociations } from '@/lib/metadefs/resource-types';

export const dynamic = 'force-dynamic';

type Params = { namespace: string };
const name = (p: Params) => decodeURIComponent(p.namespace);

export const GET = glanceRoute<Params>(async ({ ctx, params }) => json(await listAssociations(ctx, name(params))), { rejectBody: true });

export const POST = glanceRoute<Params>(async ({ req, ctx, params }) => json(await createAssociation(ctx, name(params), await readJson(req)), 201));

export const { PUT, PATCH, DELETE, HEAD, OPTIONS } = methodNotAllowed(['GET', 'POST']);
