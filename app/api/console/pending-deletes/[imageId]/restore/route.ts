// Console (admins): a pending_delete image back to active, as glance-scrubber --restore.
import { noContent } from '@/lib/http/respond';
import { consoleRoute } from '@/http/console-route';
import { restoreFromConsole } from '@/lib/console/pending-deletes';

export const dynamic = 'force-dynamic';

export const POST = consoleRoute<{ imageId: string }>(async ({ ctx, params }) => {
  await restoreFromConsole(ctx, params.imageId);
  return noContent();
});
