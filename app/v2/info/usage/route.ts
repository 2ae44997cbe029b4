import { json } from '@/lib/http/respond';
import { glanceRoute, notRouted } from '@/http/glance-route';

export const dynamic = 'force-dynamic';

export const GET = glanceRoute(async () => json({ usage: {} }));

// Glance routes only GET here (no 405 catch-all): anything else is its 404.
export const { HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = notRouted(['GET']);
