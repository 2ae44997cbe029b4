// POST /v3/auth/tokens (authenticate), GET/HEAD (validate), DELETE (revoke),
// reached through a rewrite in next.config.js. A Pages API route so that
// password attempts can be throttled by the socket's peer address
// (http/peer.ts says why App Router handlers cannot know it).
import { authenticate } from '@/lib/identity/authenticate';
import { isAdmin } from '@/lib/identity/directory';
import { KeystoneError } from '@/lib/identity/errors';
import { identityRoute, keystoneJson, keystoneNoContent, readJsonBody, type IdentityCall } from '@/http/identity-route';
import { revokeToken, validateToken } from '@/lib/identity/tokens';
import { tokenBody } from '@/lib/identity/views';
import { nodeRoute } from '@/http/node-route';
import { peerAddress, withNodeBody } from '@/http/peer';

export const config = { api: { bodyParser: false, externalResolver: true } };

function withCatalog(call: IdentityCall<unknown>): boolean {
  return !call.req.nextUrl.searchParams.has('nocatalog');
}

/** The subject token, if the caller may look at it (admin, service, or its own user). */
async function subject(call: IdentityCall<unknown>) {
  const caller = await call.caller();
  const subjectToken = call.req.headers.get('x-subject-token');
  const valid = await validateToken(subjectToken);
  if (!valid) throw new KeystoneError(404, 'Failed to validate token');
  const privileged = isAdmin(caller) || caller.roles.some((r) => r.name === 'service');
  if (!privileged && caller.user.id !== valid.user.id) {
    throw new KeystoneError(403, 'You are not authorized to perform the requested action: identity:validate_token.');
  }
  return { token: subjectToken!, valid };
}

const validate = identityRoute(async (call) => {
  const { token, valid } = await subject(call);
  return keystoneJson(await tokenBody(valid, call.base, withCatalog(call)), 200, { 'X-Subject-Token': token });
});

export default nodeRoute(
  {
    POST: (req, segment, node) =>
      identityRoute(async (call) => {
        const token = await authenticate(await readJsonBody(call.req), peerAddress(node));
        const valid = await validateToken(token);
        if (!valid) throw new KeystoneError(500, 'The new token could not be read back.');
        return keystoneJson(await tokenBody(valid, call.base, withCatalog(call)), 201, { 'X-Subject-Token': token });
      })(withNodeBody(req, node), segment),
    GET: validate,
    HEAD: identityRoute(async (call) => {
      const { token } = await subject(call);
      return new Response(null, { status: 200, headers: { 'X-Subject-Token': token } });
    }),
    DELETE: identityRoute(async (call) => {
      const { valid } = await subject(call);
      await revokeToken(valid.record);
      return keystoneNoContent();
    }),
  },
  identityRoute(async () => {
    throw new KeystoneError(405, 'The method is not allowed for the requested URL.');
  }),
);
