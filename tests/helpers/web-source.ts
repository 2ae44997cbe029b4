// A loopback HTTP server a test serves import sources from (web-download,
// glance-download), and the [import_filtering_opts] lines that let the
// service fetch from it: loopback is refused by default.
import { once } from 'node:events';
import type http from 'node:http';
import type { AddressInfo } from 'node:net';

/** Listens on 127.0.0.1, a free port; the server's base URL (http://127.0.0.1:PORT). */
export async function listenOnLoopback(server: http.Server): Promise<string> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** The glance-api.conf lines allowing imports from the source at `url` (its host and port only). */
export function allowSource(url: string): string {
  return `[import_filtering_opts]\nallowed_hosts = 127.0.0.1\nallowed_ports = ${new URL(url).port}\n`;
}

/** Stop a source at the end of a test file: its open (held) connections, then the listener. */
export function closeSource(source: http.Server | undefined): void {
  source?.closeAllConnections();
  source?.close();
}
