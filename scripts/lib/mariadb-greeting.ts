// Is a MariaDB server accepting connections on this unix socket? It greets
// every new connection with a handshake packet (protocol version 10) before
// any login, so this needs no credentials and no driver.
import { connect } from 'node:net';

const HANDSHAKE_V10 = 0x0a;

export function greets(socketPath: string, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(socketPath);
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('error', () => done(false));
    // A packet: 3-byte length, 1-byte sequence number, then the payload.
    socket.once('data', (chunk) => done(chunk.length > 4 && chunk[4] === HANDSHAKE_V10));
  });
}
