// Any other /v2 path: Glance's 404.
import { NotFound } from '@/lib/errors';
import { glanceRoute } from '@/lib/http/route';

export const dynamic = 'force-dynamic';

const notFound = glanceRoute(async () => {
  throw new NotFound();
});
export const GET = notFound;
export const POST = notFound;
export const PUT = notFound;
export const PATCH = notFound;
export const DELETE = notFound;
