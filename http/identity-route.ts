// The adapter every /v3 route handler goes through: the identity API is on
// only when this server is its own identity provider; errors come out in
// Keystone's JSON format; the caller's token is validated on demand.
import { randomUUID } from 'node:crypto';
import type { NextRequest } from 'next/server';
import { identityEnabled } from '@/lib/identity/enabled';
import { baseUrl } from '@/lib/http/base-url';
import { logger } from '@/lib/log';
import { authRequired, KeystoneError } from '@/lib/identity/errors';
import { validateToken, type ValidToken } from '@/lib/identity/tokens';
import { BodyTooLarge, MalformedJson, parseJsonBody, readBoundedBody } from '@/lib/http/body';
import { DATABASE_UNAVAILABLE_MESSAGE, isDatabaseUnavailable } from '@/lib/db/unavailable';

export interface IdentityCall<P> {
  req: NextRequest;
  params: P;
  /** The server's base URL as the client reaches it, and the identity API under it. */
  base: string;
  v3: string;
  /** The token in X-Auth-Token, or 401. */
  caller(): Promise<ValidToken>;
}

type Segment<P> = { params: Promise<P> };

export { identityEnabled };

function finish(res: Response, requestId: string): Response {
  res.headers.set('Vary', 'X-Auth-Token');
  res.headers.set('X-Openstack-Request-Id', requestId);
  return res;
}

export function identityRoute<P = Record<string, never>>(handler: (call: IdentityCall<P>) => Promise<Response>) {
  return async (req: NextRequest, segment: Segment<P>): Promise<Response> => {
    const requestId = `req-${randomUUID()}`;
    try {
      if (!identityEnabled()) throw new KeystoneError(404, 'The identity API is not served here: this service uses another Keystone or no authentication.');
      const base = baseUrl(req);
      let caller: ValidToken | null = null;
      const params = segment?.params ? await segment.params : ({} as P);
      return finish(
        await handler({
          req,
          params,
          base,
          v3: `${base}/v3`,
          caller: async () => {
            caller ??= await validateToken(req.headers.get('x-auth-token'));
            if (!caller) throw authRequired();
            return caller;
          },
        }),
        requestId,
      );
    } catch (err) {
      if (err instanceof KeystoneError) return finish(err.toResponse(), requestId);
      if (isDatabaseUnavailable(err)) {
        logger.warn({ requestId, method: req.method, url: req.url, err: (err as Error)?.message }, 'database unavailable');
        return finish(new KeystoneError(503, DATABASE_UNAVAILABLE_MESSAGE).toResponse(), requestId);
      }
      logger.error({ err, requestId, method: req.method, url: req.url }, 'unhandled error in the identity API');
      return finish(new KeystoneError(500, 'An unexpected error prevented the server from fulfilling your request.').toResponse(), requestId);
    }
  };
}

/** The JSON body, bounded while read (oslo's sizelimit, as in Keystone's pipeline); empty = {}. */
export async function readJsonBody(req: Request): Promise<unknown> {
  let bytes: Uint8Array;
  try {
    bytes = await readBoundedBody(req);
  } catch (err) {
    if (err instanceof BodyTooLarge) throw new KeystoneError(413, err.message);
    throw err;
  }
  if (Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1').trim() === '') return {};
  try {
    return parseJsonBody(bytes);
  } catch (err) {
    if (err instanceof MalformedJson) throw new KeystoneError(400, err.describe('The request you have made is not valid: malformed JSON in request body'));
    throw err;
  }
}

export function keystoneJson(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  const text = JSON.stringify(body);
  return new Response(text, { status, headers: { 'Content-Type': 'application/json', ...headers } });
}

export function keystoneNoContent(): Response {
  return new Response(null, { status: 204 });
}
