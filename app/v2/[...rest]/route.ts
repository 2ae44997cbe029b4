// Any other /v2 path: Glance's 404.
import { notRouted } from '@/lib/http/route';

export const dynamic = 'force-dynamic';

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = notRouted([]);
