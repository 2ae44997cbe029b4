// DELETE /v2/metadefs/namespaces/{namespace}/resource_types/{resource_type}: the association.
import { noContent } from '@/lib/http/respond';
import { glanceRoute, methodNotAllowed } from '@/http/glance-route';
import { deleteAssociation } from '@/lib/metadefs/resource-types';

export const dynamic = 'force-dynamic';

type Params = { namespace: string; resourceType: string };
const d = decodeURIComponent;

export const DELETE = glanceRoute<Params>(
  async ({ ctx, params }) => {
    await deleteAssociation(ctx, d(params.namespace), d(params.resourceType));
    return noContent();
  },
  { rejectBody: true },
);

export const { GET, POST, PUT, PATCH, HEAD, OPTIONS } = methodNotAllowed(['DELETE']);
