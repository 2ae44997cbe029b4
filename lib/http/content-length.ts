// Next (send-response.js) drops Content-Length from every route-handler
// response and sends chunked bodies instead. Glance's downloads carry
// Content-Length, and clients rely on it for progress and truncation checks,
// so a handler that knows its body length puts it in DECLARED_LENGTH and the
// patch below turns that into the real header as Next copies the headers.
import { ServerResponse } from 'node:http';

export const DECLARED_LENGTH = 'x-glance-declared-content-length';

const g = globalThis as unknown as { glanceContentLengthPatched?: boolean };

/** Install once per process (instrumentation). */
export function honourDeclaredContentLength(): void {
  if (g.glanceContentLengthPatched) return;
  g.glanceContentLengthPatched = true;
  const set = ServerResponse.prototype.setHeader;
  ServerResponse.prototype.setHeader = function (this: ServerResponse, name: string, value: number | string | readonly string[]) {
    return set.call(this, name.toLowerCase() === DECLARED_LENGTH ? 'Content-Length' : name, value);
  };
}
