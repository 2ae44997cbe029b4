// Starts a real server (next start) for a test file: its own database on the
// suite's MariaDB, its own config file and store directories, a free port.
import { after, before } from 'node:test';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import * as mariadb from 'mariadb';
import { migrate } from '../../lib/db/migrate';
import { poolConfigFromUrl } from '../../lib/db/url';
import { freePort, ROOT, startNext, waitForHttp, writeLoopbackConfig, type ServerProcess } from '../../scripts/lib/server';

export { freePort };

export interface ServerOptions {
  /** Extra INI text appended to the generated config (sections allowed). */
  extraConfig?: string;
  /** [glance_store] lines; default: one directory `images` in the server's temp dir. */
  storeConfig?: (dir: string) => string;
  /** [paste_deploy] flavor (default noauth, written out); null: no [paste_deploy] section at all. */
  flavor?: 'noauth' | 'trusted-headers' | 'keystone' | null;
  /** Reuse an existing database (e.g. to restart against the same data). */
  databaseUrl?: string;
  /** Reuse a directory (config, stores) from an earlier server. */
  dir?: string;
  /** Listen on this port (e.g. to restart a server where its clients expect it); default: a free one. */
  port?: number;
}

export interface TestServer {
  url: string;
  port: number;
  dir: string;
  databaseUrl: string;
  configFile: string;
  output: () => string;
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  stop(): Promise<void>;
}

export function databaseUrlFor(name: string): string {
  const base = process.env.TEST_DATABASE_URL;
  if (!base) throw new Error('TEST_DATABASE_URL is not set: run the suite with `npm test`');
  const u = new URL(base);
  u.pathname = `/${name}`;
  return u.toString();
}


export async function startServer(opts: ServerOptions = {}): Promise<TestServer> {
  const dir = opts.dir ?? mkdtempSync(path.join(os.tmpdir(), 'glance-test-'));
  const databaseUrl = opts.databaseUrl ?? databaseUrlFor(`t_${randomBytes(6).toString('hex')}`);
  if (!opts.databaseUrl) await migrate(databaseUrl, path.join(ROOT, 'prisma', 'migrations'));
  const port = opts.port ?? (await freePort());
  const store = opts.storeConfig
    ? opts.storeConfig(dir)
    : (mkdirSync(path.join(dir, 'images'), { recursive: true }), `filesystem_store_datadir = ${path.join(dir, 'images')}`);
  const configFile = writeLoopbackConfig(dir, { port, flavor: opts.flavor === undefined ? 'noauth' : opts.flavor, store, extra: opts.extraConfig });
  const proc: ServerProcess = await startNext({
    host: '127.0.0.1',
    port,
    env: { DATABASE_URL: databaseUrl, GLANCE_CONFIG_FILE: configFile, LOG_LEVEL: 'warn' },
    stdio: 'pipe',
  });
  let output = '';
  proc.child.stdout?.on('data', (d) => (output += d));
  proc.child.stderr?.on('data', (d) => (output += d));
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForHttp(`${url}/versions`, proc.exited);
  } catch (err) {
    throw new Error(`${(err as Error).message}\n--- server output ---\n${output}`);
  }
  const pool = mariadb.createPool({ ...poolConfigFromUrl(databaseUrl), connectionLimit: 2 });
  return {
    url,
    port,
    dir,
    databaseUrl,
    configFile,
    output: () => output,
    query: async (sql, params) => (await pool.query({ sql, bigIntAsNumber: true, dateStrings: true }, params)) as never,
    stop: async () => {
      await pool.end();
      if (proc.child.exitCode === null) {
        proc.child.kill('SIGTERM');
        await proc.exited;
      }
    },
  };
}

/** Start a server expecting it to fail; resolves with its exit code and output. */
export async function startServerExpectingFailure(opts: ServerOptions): Promise<{ code: number | null; output: string }> {
  try {
    const s = await startServer(opts);
    await s.stop();
    return { code: 0, output: s.output() };
  } catch (err) {
    return { code: 1, output: (err as Error).message };
  }
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** One server for a test file: started before its tests, stopped and its directory removed after them. */
export function serverForFile(onStart: (server: TestServer) => void, opts: ServerOptions = {}): void {
  let server: TestServer | undefined;
  before(async () => {
    server = await startServer(opts);
    onStart(server);
  });
  after(async () => {
    await server?.stop();
    if (server) removeDir(server.dir);
  });
}
