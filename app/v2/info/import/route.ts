import { json } from '@/lib/http/respond';
import { glanceRoute, methodNotAllowed } from '@/http/glance-route';
import { enabledImportMethods } from '@/lib/imports/methods';

export const dynamic = 'force-dynamic';

export const GET = glanceRoute(
  async () =>
    json({
      'import-methods': {
        description: 'Import methods available.',
        type: 'array',
        value: enabledImportMethods(),
      },
    }),
  { rejectBody: true },
);

export const { HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = methodNotAllowed(['GET']);
