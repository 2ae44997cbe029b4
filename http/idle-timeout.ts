// [DEFAULT] client_socket_timeout on Node's HTTP server: a connection is cut
// when the client keeps it silent (lib/runtime/http-timeouts.ts decides),
// never while the server is still working on its answer.
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { idleIsClientsDoing } from '../lib/runtime/http-timeouts';

export function applyIdleTimeout(server: Server, idleMs: number): void {
  if (idleMs <= 0) return;
  const exchanges = new WeakMap<Socket, { req: IncomingMessage; res: ServerResponse }>();
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const socket = req.socket;
    exchanges.set(socket, { req, res });
    res.once('close', () => {
      if (exchanges.get(socket)?.res === res) exchanges.delete(socket);
    });
  });
  server.setTimeout(idleMs);
  // With a listener, Node leaves the decision to us: close, or wait another period.
  server.on('timeout', (socket: Socket) => {
    const ex = exchanges.get(socket);
    const state = ex && { bodyReceived: ex.req.complete, responseEnded: ex.res.writableEnded, responseBlocked: ex.res.writableNeedDrain };
    if (idleIsClientsDoing(state)) socket.destroy();
    else socket.setTimeout(idleMs);
  });
}
