// A private MariaDB server (mariadbd as a child process) with its datadir under
// a folder of ours, listening only on a unix socket there. Used by `npm start`
// when no DATABASE_URL is given, and by the test suite.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync, openSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import * as mariadb from 'mariadb';

export interface EmbeddedOptions {
  /** Folder that holds mysql/ (datadir), the socket, pid and log files. */
  dir: string;
  /** Extra mariadbd options, e.g. relaxed durability for tests. */
  extraArgs?: string[];
  log?: (m: string) => void;
}

export class EmbeddedMariaDb {
  readonly dir: string;
  readonly datadir: string;
  readonly socket: string;
  private child: ChildProcess | null = null;
  private exited: Promise<number | null> | null = null;
  private readonly log: (m: string) => void;

  constructor(private readonly opts: EmbeddedOptions) {
    this.dir = path.resolve(opts.dir);
    this.datadir = path.join(this.dir, 'mysql');
    this.socket = path.join(this.dir, 'mysqld.sock');
    this.log = opts.log ?? (() => {});
  }

  private get passwordFile(): string {
    return path.join(this.dir, '.db-root-password');
  }

  /** mysql://root:...@localhost/<db>?socket=... for Prisma and the app. */
  url(database = 'glance'): string {
    const pw = readFileSync(this.passwordFile, 'utf8').trim();
    return `mysql://root:${encodeURIComponent(pw)}@localhost/${database}?socket=${encodeURIComponent(this.socket)}`;
  }

  async start(): Promise<void> {
    mkdirSync(this.dir, { recursive: true });
    const fresh = !existsSync(path.join(this.datadir, 'mysql'));
    if (fresh) {
      this.log(`[db] initialising MariaDB datadir ${this.datadir}`);
      const args = ['--no-defaults', `--datadir=${this.datadir}`, '--auth-root-authentication-method=normal', '--skip-test-db'];
      if (process.getuid?.() === 0) args.push('--user=root');
      const r = spawnSync('mariadb-install-db', args, { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`mariadb-install-db failed:\n${r.stdout}\n${r.stderr}`);
    }
    const args = [
      '--no-defaults',
      `--datadir=${this.datadir}`,
      `--socket=${this.socket}`,
      `--pid-file=${path.join(this.dir, 'mysqld.pid')}`,
      `--log-error=${path.join(this.dir, 'mysqld.err')}`,
      '--skip-networking',
      '--character-set-server=utf8mb4',
      '--collation-server=utf8mb4_unicode_ci',
      '--max-connections=500',
      ...(this.opts.extraArgs ?? []),
    ];
    if (process.getuid?.() === 0) args.push('--user=root');
    const out = openSync(path.join(this.dir, 'mysqld.out'), 'a');
    this.child = spawn('mariadbd', args, { stdio: ['ignore', out, out] });
    this.exited = new Promise((resolve) => this.child!.once('exit', (code) => resolve(code)));
    await this.waitReady();
    if (fresh || !existsSync(this.passwordFile)) await this.secureRoot();
    this.log(`[db] MariaDB ready on ${this.socket}`);
  }

  /** Give root a random password (kept in a 0600 file) while OS root keeps socket login. */
  private async secureRoot(): Promise<void> {
    const pw = randomBytes(18).toString('base64url');
    const conn = await mariadb.createConnection({ socketPath: this.socket, user: 'root', password: '' });
    try {
      await conn.query("ALTER USER 'root'@'localhost' IDENTIFIED VIA unix_socket OR mysql_native_password USING PASSWORD(?)", [pw]);
    } finally {
      await conn.end();
    }
    writeFileSync(this.passwordFile, pw + '\n', { mode: 0o600 });
  }

  private async waitReady(timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let exitCode: number | null | undefined;
    void this.exited!.then((c) => { exitCode = c; });
    while (Date.now() < deadline) {
      if (exitCode !== undefined) {
        const err = existsSync(path.join(this.dir, 'mysqld.err')) ? readFileSync(path.join(this.dir, 'mysqld.err'), 'utf8').slice(-2000) : '';
        throw new Error(`mariadbd exited with ${exitCode} during start-up:\n${err}`);
      }
      if (existsSync(this.socket)) {
        try {
          const pw = existsSync(this.passwordFile) ? readFileSync(this.passwordFile, 'utf8').trim() : '';
          const c = await mariadb.createConnection({ socketPath: this.socket, user: 'root', password: pw, connectTimeout: 1000 });
          await c.end();
          return;
        } catch {
          /* not yet */
        }
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('MariaDB did not become ready in time');
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Clean shutdown (SIGTERM lets InnoDB flush). */
  async stop(): Promise<void> {
    if (!this.child || this.child.exitCode !== null) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child?.kill('SIGKILL'), 30_000);
    await this.exited;
    clearTimeout(timer);
    this.log('[db] MariaDB stopped');
  }
}
