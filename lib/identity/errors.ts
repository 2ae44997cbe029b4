// Errors of the identity API, rendered as Keystone renders them:
// {"error": {"code": 401, "message": "...", "title": "Unauthorized"}}.
import { STATUS_TITLES } from '@/lib/errors';


export class KeystoneError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }

  toResponse(): Response {
    const body = JSON.stringify({ error: { code: this.status, message: this.message, title: STATUS_TITLES[this.status] ?? 'Error' } });
    const headers: Record<string, string> = { 'Content-Type': 'application/json' };
    return new Response(body, { status: this.status, headers });
  }
}

export const authRequired = () => new KeystoneError(401, 'The request you have made requires authentication.');
export const notFound = (kind: string, id: string) => new KeystoneError(404, `Could not find ${kind}: ${id}.`);
export const forbiddenAction = (action: string) =>
  new KeystoneError(403, `You are not authorized to perform the requested action: ${action}.`);
export const badRequest = (message: string) => new KeystoneError(400, message);
export const conflict = (kind: string, detail: string) =>
  new KeystoneError(409, `Conflict occurred attempting to store ${kind} - ${detail}.`);
