// tus endpoint for the console's resumable uploads (POST creates, HEAD/PATCH
// resume and send chunks, DELETE cancels). Bodies stream; nothing is buffered.
import { crossOriginRefusal } from '@/http/console-route';
import { consoleContext } from '@/http/console-session';
import { handleTus, tusErrorResponse } from '@/lib/uploads/tus';

export const dynamic = 'force-dynamic';

async function handle(req: Request): Promise<Response> {
  const refused = crossOriginRefusal(req);
  if (refused) return refused;
  let ctx;
  try {
    ctx = await consoleContext();
  } catch (err) {
    // The sign-in redirect passes through; a database that is down is a 503.
    const res = tusErrorResponse(err);
    if (res) return res;
    throw err;
  }
  return handleTus(req, ctx);
}

export const POST = handle;
export const HEAD = handle;
export const PATCH = handle;
export const DELETE = handle;
export const OPTIONS = handle;
