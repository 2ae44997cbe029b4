// GET /v2/metadefs/resource_types: every resource type known to the catalog.
import { json } from '@/lib/http/respond';
import { glanceRoute, methodNotAllowed } from '@/http/glance-route';
import { listResourceTypes } from '@/lib/metadefs/resource-types';

export const dynamic = 'force-dynamic';

export const GET = glanceRoute(async ({ ctx }) => json(await listResourceTypes(ctx)), { rejectBody: true });

export const { POST, PUT, PATCH, DELETE, HEAD, OPTIONS } = methodNotAllowed(['GET']);
