// Any other /v3 path: Keystone's 404.
import { KeystoneError } from '@/lib/identity/errors';
import { identityRoute } from '@/http/identity-route';

export const dynamic = 'force-dynamic';

const notFound = identityRoute(async () => {
  throw new KeystoneError(404, 'The resource could not be found.');
});
export const GET = notFound;
export const POST = notFound;
export const PUT = notFound;
export const PATCH = notFound;
export const DELETE = notFound;
