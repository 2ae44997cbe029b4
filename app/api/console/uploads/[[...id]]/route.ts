// tus endpoint for the console's resumable uploads (POST creates, HEAD/PATCH
// resume and send chunks, DELETE cancels). Bodies stream; nothing is buffered.
// With several nodes, a request for an upload staged on another node is
// forwarded to it (lib/uploads/stage-host.ts decides, http/stage-proxy.ts sends).
import { crossOriginRefusal } from '@/http/console-route';
import { consoleContext } from '@/http/console-session';
import { forwardToStageHost, isForwarded } from '@/http/stage-proxy';
import { thisNode } from '@/lib/nodes/identity';
import { stageRoute } from '@/lib/uploads/stage-host';
import { handleTus, tusErrorResponse, tusImageId } from '@/lib/uploads/tus';

export const dynamic = 'force-dynamic';

async function handle(req: Request): Promise<Response> {
  const refused = crossOriginRefusal(req);
  if (refused) return refused;
  try {
    // Signed in here first: nothing is forwarded for an anonymous client.
    const ctx = await consoleContext();
    if (!isForwarded(req)) {
      const route = await stageRoute(tusImageId(req));
      if (route.to === 'node') return await forwardToStageHost(req, route.url, thisNode().name);
    }
    return await handleTus(req, ctx);
  } catch (err) {
    // The sign-in redirect passes through; a database that is down is a 503.
    const res = tusErrorResponse(err);
    if (res) return res;
    throw err;
  }
}

export const POST = handle;
export const HEAD = handle;
export const PATCH = handle;
export const DELETE = handle;
export const OPTIONS = handle;
