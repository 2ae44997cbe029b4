// GET /v2/info/stores/detail: the stores with type, properties and weight (admin only).
import { json } from '@/lib/http/respond';
import { storesDetail } from '@/lib/stores/discovery';
import { glanceRoute, methodNotAllowed } from '@/http/glance-route';

export const dynamic = 'force-dynamic';

export const GET = glanceRoute(async ({ ctx }) => json(storesDetail(ctx)), { rejectBody: true });

export const { HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = methodNotAllowed(['GET']);
