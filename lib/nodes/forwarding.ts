// What forwarding a request to another node shares: tus requests to the node
// that staged the upload (http/stage-proxy.ts) and imports to the node that
// holds the staged data (lib/imports/forward.ts).

/** Hop-by-hop headers and proxy credentials: never passed on to the other node. */
export const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'proxy-authorization', 'proxy-authenticate']);

/** The other node could not be reached (Glance's 504), as opposed to failing once reached (502). */
export function isUnreachable(code: string | undefined): boolean {
  return ['ECONNREFUSED', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT'].includes(code ?? '');
}
