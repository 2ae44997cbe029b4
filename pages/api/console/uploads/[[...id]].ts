// tus endpoint for the console's resumable uploads (POST creates, HEAD/PATCH
// resume and send chunks, DELETE cancels). Bodies stream; nothing is buffered.
// A Pages API route, as PUT /file: a chunk's bytes come from Node's request,
// regrouped into 1 MiB pieces (lib/uploads/coalesce.ts), instead of the App
// Router's web request, whose every 64 KiB chunk cost a copy and a promise
// before tus's own hops (README, bench:browser).
// With several nodes, a request for an upload staged on another node is
// forwarded to it (lib/uploads/stage-host.ts decides, http/stage-proxy.ts sends).
import type { IncomingMessage } from 'node:http';
import { crossOriginRefusal } from '@/http/console-route';
import { SIGN_IN_PATH } from '@/http/console-session';
import { signedInContext } from '@/http/next-auth';
import { nodeRoute } from '@/http/node-route';
import { forwardToStageHost, isForwarded } from '@/http/stage-proxy';
import { thisNode } from '@/lib/nodes/identity';
import { coalesced } from '@/lib/uploads/coalesce';
import { stageRoute } from '@/lib/uploads/stage-host';
import { handleTus, tusErrorResponse, tusImageId } from '@/lib/uploads/tus';

export const config = { api: { bodyParser: false, responseLimit: false, externalResolver: true } };

/** The web Request tus reads: the head, and for a PATCH or POST Node's request body in 1 MiB pieces. */
function webRequest(head: Request, node: IncomingMessage): Request {
  if (node.method !== 'PATCH' && node.method !== 'POST') return head;
  const body = coalesced(node);
  return new Request(head.url, { method: head.method, headers: head.headers, body, duplex: 'half' } as RequestInit);
}

async function answer(head: Request, node: IncomingMessage): Promise<Response> {
  const refused = crossOriginRefusal(head);
  if (refused) return refused;
  try {
    // Signed in here first: nothing is forwarded for an anonymous client.
    const ctx = await signedInContext(head.headers);
    if (!ctx) return new Response(null, { status: 307, headers: { Location: SIGN_IN_PATH } });
    const req = webRequest(head, node);
    if (!isForwarded(req)) {
      const route = await stageRoute(tusImageId(req));
      if (route.to === 'node') return await forwardToStageHost(req, route.url, thisNode().name);
    }
    return await handleTus(req, ctx);
  } catch (err) {
    // A database that is down is a 503.
    const res = tusErrorResponse(err);
    if (res) return res;
    throw err;
  }
}

// Every method to the one tus handler; nodeRoute sends the answer and turns the unexpected into a 500.
export default nodeRoute({}, (head, _segment, node) => answer(head, node));
