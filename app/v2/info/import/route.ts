import { json } from '@/lib/http/respond';
import { glanceRoute, methodNotAllowed } from '@/http/glance-route';

export const dynamic = 'force-dynamic';

export const GET = glanceRoute(
  async () =>
    json({
      'import-methods': {
        description: 'Import methods available.',
        type: 'array',
        value: ['glance-direct', 'web-download', 'copy-image'],
      },
    }),
  { rejectBody: true },
);

export const { HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = methodNotAllowed(['GET']);
