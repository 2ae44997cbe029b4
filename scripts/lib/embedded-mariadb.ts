// A private MariaDB server (mariadbd as a child process) with its datadir under
// a folder of ours, listening only on a unix socket there. Used by `npm start`
// when no DATABASE_URL is given, by the test suite and by the benchmark.
//
// Accounts (dbAccounts.ts): root@localhost logs in through the OS root's
// unix socket or a random password kept 0600 in the folder (for tools and the
// test suite); the app uses `glance`@localhost, which may only touch the
// `glance` database, with its own random password; no other account is kept.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, openSync, closeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as mariadb from 'mariadb';
import { APP_DATABASE, APP_USER, readSecret, secureAccounts } from './db-accounts';
import { greets } from './mariadb-greeting';

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
  private exitedPromise: Promise<number | null> | null = null;
  private readonly log: (m: string) => void;

  constructor(private readonly opts: EmbeddedOptions) {
    this.dir = path.resolve(opts.dir);
    this.datadir = path.join(this.dir, 'mysql');
    this.socket = path.join(this.dir, 'mysqld.sock');
    this.log = opts.log ?? (() => {});
  }

  get rootPasswordFile(): string {
    return path.join(this.dir, '.db-root-password');
  }

  get appPasswordFile(): string {
    return path.join(this.dir, '.db-glance-password');
  }

  private urlFor(user: string, password: string, database: string): string {
    return `mysql://${encodeURIComponent(user)}:${encodeURIComponent(password)}@localhost/${encodeURIComponent(database)}?socket=${encodeURIComponent(this.socket)}`;
  }

  /** The app's connection: the `glance` user on the `glance` database. */
  appUrl(): string {
    return this.urlFor(APP_USER, readSecret(this.appPasswordFile), APP_DATABASE);
  }

  /** root with its password: for tools that create databases (the test suite). */
  adminUrl(database = APP_DATABASE): string {
    return this.urlFor('root', readSecret(this.rootPasswordFile), database);
  }

  /** Initialise the datadir if needed, run mariadbd, and make the accounts safe. Can be called again after an exit. */
  async start(): Promise<void> {
    mkdirSync(this.dir, { recursive: true });
    // Its own temporary files beside its data, not in the shared /tmp (a test run once lost a bootstrap's temp
    // tables there while other work ran): `--tmpdir` for the bootstrap and the server alike.
    const tmpdir = path.join(this.dir, 'tmp');
    mkdirSync(tmpdir, { recursive: true });
    const fresh = !existsSync(path.join(this.datadir, 'mysql'));
    if (fresh) {
      this.log(`[db] initialising MariaDB datadir ${this.datadir}`);
      // socket: root@localhost may log in only as the OS root over the socket until it gets its password.
      const args = ['--no-defaults', `--datadir=${this.datadir}`, '--auth-root-authentication-method=socket', '--skip-test-db', `--tmpdir=${tmpdir}`];
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
      `--tmpdir=${tmpdir}`,
      '--skip-networking',
      '--character-set-server=utf8mb4',
      '--collation-server=utf8mb4_unicode_ci',
      '--max-connections=500',
      ...(this.opts.extraArgs ?? []),
    ];
    if (process.getuid?.() === 0) args.push('--user=root');
    const out = openSync(path.join(this.dir, 'mysqld.out'), 'a');
    // setpriv --pdeathsig: if whoever started it dies without stopping it,
    // mariadbd gets SIGTERM (a clean shutdown) instead of living on orphaned.
    // Detached: Ctrl-C reaches the server process, which stops itself first.
    const child = spawn('setpriv', ['--pdeathsig', 'TERM', 'mariadbd', ...args], { stdio: ['ignore', out, out], detached: true });
    closeSync(out);
    this.child = child;
    this.exitedPromise = new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 : null))));
    await this.waitReady();
    await this.secureAccounts();
    this.log(`[db] MariaDB ready on ${this.socket} (pid ${child.pid})`);
  }

  /** See db-accounts.ts; idempotent, run on every start. Needs a running server. */
  async secureAccounts(): Promise<void> {
    const conn = await this.rootConnection();
    try {
      await secureAccounts(conn, { rootPasswordFile: this.rootPasswordFile, appPasswordFile: this.appPasswordFile, log: this.log });
    } finally {
      await conn.end();
    }
  }

  /**
   * root over the socket: by the OS root's identity, else by the stored
   * password. Before root has one (a new datadir made by another OS user),
   * mariadb-install-db's unix-socket account of that OS user stands in.
   */
  private async rootConnection(connectTimeout = 5000): Promise<mariadb.Connection> {
    const socketLogin = (user: string, password = '') => mariadb.createConnection({ socketPath: this.socket, user, password, connectTimeout });
    if (existsSync(this.rootPasswordFile)) return socketLogin('root', readSecret(this.rootPasswordFile));
    try {
      return await socketLogin('root');
    } catch (err) {
      const osUser = os.userInfo().username;
      if (osUser === 'root') throw err;
      return socketLogin(osUser);
    }
  }

  private async waitReady(timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let exitCode: number | null | undefined;
    void this.exitedPromise!.then((c) => { exitCode = c; });
    while (Date.now() < deadline) {
      if (exitCode !== undefined) {
        const err = existsSync(path.join(this.dir, 'mysqld.err')) ? readFileSync(path.join(this.dir, 'mysqld.err'), 'utf8').slice(-2000) : '';
        throw new Error(`mariadbd exited with ${exitCode} during start-up:\n${err}`);
      }
      if (existsSync(this.socket) && (await greets(this.socket))) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('MariaDB did not become ready in time');
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Resolves with the exit code (128 for a signal) when the current mariadbd exits. */
  get exited(): Promise<number | null> {
    if (!this.exitedPromise) throw new Error('MariaDB was not started');
    return this.exitedPromise;
  }

  get running(): boolean {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Ask mariadbd to shut down (SIGTERM lets InnoDB flush) without waiting: for exit hooks. */
  kill(): void {
    if (this.running) this.child!.kill('SIGTERM');
  }

  /** Clean shutdown (SIGTERM lets InnoDB flush). */
  async stop(): Promise<void> {
    if (!this.child || !this.running) return;
    const child = this.child;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    await this.exitedPromise;
    clearTimeout(timer);
    this.log('[db] MariaDB stopped');
  }
}
