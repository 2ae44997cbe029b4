// Console (admins): the images awaiting the scrubber (delayed delete).
import { json } from '@/lib/http/respond';
import { consoleRoute } from '@/http/console-route';
import { listPendingDeletes } from '@/lib/console/pending-deletes';

export const dynamic = 'force-dynamic';

export const GET = consoleRoute(async ({ ctx }) => json(await listPendingDeletes(ctx)));
