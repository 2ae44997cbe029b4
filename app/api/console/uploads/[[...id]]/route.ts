// tus endpoint for the console's resumable uploads (POST creates, HEAD/PATCH
// resume and send chunks, DELETE cancels). Bodies stream; nothing is buffered.
import { crossOriginRefusal } from '@/lib/console/route';
import { consoleContext } from '@/lib/console/session';
import { handleTus } from '@/lib/uploads/tus';

export const dynamic = 'force-dynamic';

async function handle(req: Request): Promise<Response> {
  return crossOriginRefusal(req) ?? handleTus(req, await consoleContext());
}

export const POST = handle;
export const HEAD = handle;
export const PATCH = handle;
export const DELETE = handle;
export const OPTIONS = handle;
