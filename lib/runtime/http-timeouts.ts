// The HTTP server's timeouts, from Glance's [DEFAULT] client_socket_timeout:
// a transfer is bounded by how long it stays silent, never by how long it
// lasts; slow request headers (slowloris) are still cut.

export interface HttpServerTimeouts {
  /** Whole-request limit: none, so a long upload or download is never cut (Node's default is 300 s). */
  requestTimeout: number;
  /** Time to receive a request's headers. */
  headersTimeout: number;
  /** How often Node checks the headers timeout (its default, 30 s, would let a short one run long). */
  connectionsCheckingInterval: number;
  /** Idle keep-alive connections between requests. */
  keepAliveTimeout: number;
  /** A connection that sends or receives nothing this long is closed; 0 = never. */
  idleTimeout: number;
}

export const HEADERS_TIMEOUT_MS = 60_000;
// Longer than clients' and load balancers' idle keep-alive (HAProxy, ALB: 60 s), so they close an idle
// connection before we do and never send a request into one we are closing.
export const KEEP_ALIVE_TIMEOUT_MS = 65_000;

export function httpServerTimeouts(clientSocketTimeoutSeconds: number): HttpServerTimeouts {
  const idle = clientSocketTimeoutSeconds * 1000;
  // An idle limit shorter than a minute also bounds the headers.
  const headersTimeout = idle > 0 ? Math.min(HEADERS_TIMEOUT_MS, idle) : HEADERS_TIMEOUT_MS;
  return {
    requestTimeout: 0,
    headersTimeout,
    connectionsCheckingInterval: Math.max(500, Math.min(30_000, headersTimeout / 2)),
    keepAliveTimeout: idle > 0 ? Math.min(KEEP_ALIVE_TIMEOUT_MS, idle) : KEEP_ALIVE_TIMEOUT_MS,
    idleTimeout: idle,
  };
}

/** Where a connection's one request stands when its idle timer fires. */
export interface ExchangeState {
  /** The whole request body has arrived. */
  bodyReceived: boolean;
  /** The response is complete (only the socket's flush remains). */
  responseEnded: boolean;
  /** The response waits for the client to read what was already sent. */
  responseBlocked: boolean;
}

/**
 * Whether an idle connection is the client's doing and is closed. As Glance's socket timeout counts only
 * blocked reads and writes, the time the server itself takes to answer (a cold route, a busy database, a
 * slow store) never cuts a client that is waiting politely.
 */
export function idleIsClientsDoing(exchange: ExchangeState | undefined): boolean {
  if (!exchange) return true; // between requests, or its headers are still coming
  if (!exchange.bodyReceived || exchange.responseEnded) return true;
  return exchange.responseBlocked;
}
