// POST /v3/users/{user_id}/password (Keystone's self-service password
// change), reached through a rewrite in next.config.js. A Pages API route for
// the socket's peer address: the original password is throttled per source
// like a sign-in (http/peer.ts).
import { KeystoneError } from '@/lib/identity/errors';
import { changeOwnPassword } from '@/lib/identity/password-change';
import { identityRoute, keystoneNoContent, readJsonBody } from '@/http/identity-route';
import { nodeRoute } from '@/http/node-route';
import { peerAddress, withNodeBody } from '@/http/peer';

export const config = { api: { bodyParser: false, externalResolver: true } };

type Params = { userId: string };

export default nodeRoute<Params>(
  {
    POST: (req, segment, node) =>
      identityRoute<Params>(async ({ req, params }) => {
        await changeOwnPassword(params.userId, await readJsonBody(req), peerAddress(node));
        return keystoneNoContent();
      })(withNodeBody(req, node), segment),
  },
  identityRoute(async () => {
    throw new KeystoneError(405, 'The method is not allowed for the requested URL.');
  }),
);
