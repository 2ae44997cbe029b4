// GET /v2/info/stores: the enabled stores (404 in single-store mode, as Glance).
import { json } from '@/lib/http/respond';
import { storesInfo } from '@/lib/stores/discovery';
import { glanceRoute, methodNotAllowed } from '@/http/glance-route';

export const dynamic = 'force-dynamic';

export const GET = glanceRoute(async () => json(storesInfo()), { rejectBody: true });

export const { HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = methodNotAllowed(['GET']);
