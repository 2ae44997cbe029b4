// Single-store configuration, as the reference Glance: stores discovery is not offered.
import { NotFound } from '@/lib/errors';
import { glanceRoute, methodNotAllowed } from '@/http/glance-route';

export const dynamic = 'force-dynamic';

export const GET = glanceRoute(
  async () => {
    throw new NotFound('Multi backend is not supported at this site.');
  },
  { rejectBody: true },
);

export const { HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = methodNotAllowed(['GET']);
