// A TCP relay between a client and a real server, to make the path slow or
// broken on demand: pause() stops forwarding (a stalled S3), cut() drops
// every connection and refuses new ones (S3 gone), restore() listens again
// on the same port. With `tls`, clients speak TLS to the relay (an https
// front for a plain-http server).
import { createServer, connect, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';

export class TcpRelay {
  private server: Server | null = null;
  private readonly pairs = new Set<[Socket, Socket]>();
  private paused = false;
  port = 0;
  /** Request heads seen from clients (the start of each chunk that begins an HTTP request). */
  readonly requestHeads: string[] = [];

  constructor(
    private readonly target: { host: string; port: number },
    private readonly tls: { key: string; cert: string } | null = null,
  ) {}

  async start(): Promise<this> {
    const accept = (client: Socket) => {
      const upstream = connect(this.target.port, this.target.host);
      const pair: [Socket, Socket] = [client, upstream];
      this.pairs.add(pair);
      for (const s of pair) {
        s.on('error', () => {});
        s.on('close', () => {
          this.pairs.delete(pair);
          client.destroy();
          upstream.destroy();
        });
      }
      client.on('data', (chunk: Buffer) => {
        const text = chunk.subarray(0, 4096).toString('latin1');
        if (/^[A-Z]+ \S+ HTTP\/1\.1\r\n/.test(text)) this.requestHeads.push(text.split('\r\n\r\n')[0]);
      });
      client.pipe(upstream);
      upstream.pipe(client);
      if (this.paused) this.hold(pair);
    };
    this.server = this.tls ? createTlsServer(this.tls, accept) : createServer(accept);
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
    this.port = (this.server.address() as { port: number }).port;
    return this;
  }

  get url(): string {
    return `${this.tls ? 'https' : 'http'}://127.0.0.1:${this.port}`;
  }

  /** Stop moving bytes in both directions; connections stay open. */
  pause(): void {
    this.paused = true;
    for (const p of this.pairs) this.hold(p);
  }

  resume(): void {
    this.paused = false;
    for (const [a, b] of this.pairs) {
      a.pipe(b);
      b.pipe(a);
      a.resume();
      b.resume();
    }
  }

  /** Drop every connection and stop listening. */
  async cut(): Promise<void> {
    for (const [a, b] of this.pairs) {
      a.destroy();
      b.destroy();
    }
    await this.close();
  }

  async restore(): Promise<void> {
    this.paused = false;
    await this.start();
  }

  async close(): Promise<void> {
    const s = this.server;
    this.server = null;
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  async stop(): Promise<void> {
    await this.cut();
  }

  private hold([a, b]: [Socket, Socket]): void {
    a.unpipe(b);
    b.unpipe(a);
    a.pause();
    b.pause();
  }
}
