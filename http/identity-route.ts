// The /v3 API's view of the one route wrapper (http/route.ts): on only when
// this server is its own identity provider, errors in Keystone's JSON, the
// caller's token validated on demand; plus Keystone's body reader and answers.
import { identityEnabled } from '@/lib/identity/enabled';
import { KeystoneError } from '@/lib/identity/errors';
import { BodyTooLarge, MalformedJson, parseJsonBody, readBoundedBody } from '@/lib/http/body';
import { route, type IdentityCall } from '@/http/route';

export { identityEnabled, type IdentityCall };

export function identityRoute<P = Record<string, never>>(handler: (call: IdentityCall<P>) => Promise<Response>) {
  return route<P>({ dialect: 'keystone', auth: 'none' }, handler);
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
