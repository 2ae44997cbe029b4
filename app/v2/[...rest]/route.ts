// Any other /v2 path: Glance's 404.
import { notRouted } from '@/http/glance-route';

export const dynamic = 'force-dynamic';

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = notRouted([]);
