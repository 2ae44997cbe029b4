// The server process (run through scripts/glance-api.sh, which sets its
// process-wide options): by `npm start`, the tests and the benchmark alike.
// 1. The database: the embedded MariaDB as a child process when no
//    DATABASE_URL / [database] connection is given, kept running by
//    DbSupervisor; the migrations.
// 2. The Next.js app behind Node's http server through Next's documented
//    custom server (next() + getRequestHandler()), so that the timeouts are
//    ours (`next start` fixes them): no total request timeout, an idle one,
//    and complete answers framed with their Content-Length (LengthFramedResponse).
// SIGINT/SIGTERM (Ctrl-C) stop the HTTP server, then MariaDB. If this process
// dies any other way, MariaDB is told to stop too (exit hook, and the kernel's
// parent-death signal for a kill -9 or a crash), so nothing is left behind.
import { createServer, type Server } from 'node:http';
import path from 'node:path';
import next from 'next';
import { loadConfig, type GlanceConfig } from '../lib/config';
import { migrate } from '../lib/db/migrate';
import { httpServerTimeouts } from '../lib/runtime/http-timeouts';
import { markStopping } from '../lib/runtime/stopping';
import { applyIdleTimeout } from '../http/idle-timeout';
import { LengthFramedResponse } from '../http/length-framed-response';
import { DbSupervisor } from './lib/db-supervisor';
import { EmbeddedMariaDb } from './lib/embedded-mariadb';
import { argValue, ROOT } from './lib/paths';
import { buildIfNeeded, prepareDataDirs } from './lib/server';
import { ensureDebianPackages, MARIADB } from './lib/system-packages';

const log = (m: string) => console.log(m);

let httpServer: Server | null = null;
let dbSupervisor: DbSupervisor | null = null;
let stopping = false;

/** Stop serving, then MariaDB, then exit; later calls (a repeated signal) wait for the first. */
async function shutdown(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  markStopping();
  httpServer?.close();
  httpServer?.closeAllConnections();
  await dbSupervisor?.stop();
  process.exit(code);
}

/** The embedded MariaDB, running; DATABASE_URL points the app at it. */
async function embeddedDatabase(config: GlanceConfig): Promise<string> {
  ensureDebianPackages(MARIADB);
  const db = new EmbeddedMariaDb({ dir: path.join(config.dataDir, 'db'), log });
  process.on('exit', (code) => {
    if (!db.running) return;
    if (!stopping) console.error(`[glance-api] exiting (code ${code}): stopping MariaDB`);
    db.kill();
  });
  await db.start();
  dbSupervisor = new DbSupervisor(db, { log, onGiveUp: () => void shutdown(1) });
  const url = db.appUrl();
  process.env.DATABASE_URL = url;
  return url;
}

function listen(server: Server, port: number, hostname: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, hostname, resolve);
  });
}

function announce(config: GlanceConfig, hostname: string, port: number): void {
  const shown = hostname === '0.0.0.0' ? '127.0.0.1' : hostname;
  log(`[glance-api] Glance API on http://${shown}:${port}/v2, console on http://${shown}:${port}/dashboard (pid ${process.pid})`);
  if (config.authFlavor === 'keystone' && !config.keystoneAuthtoken) {
    const openrc = config.identity.adminOpenrc;
    log(`[glance-api] identity API on http://${shown}:${port}/v3` + (openrc ? `; admin credentials: . ${openrc}` : ''));
  }
}

/** Stop when whoever started us is gone (npm killed without passing the signal on). */
function stopWhenOrphaned(): void {
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) {
      log('[glance-api] the parent process is gone: stopping');
      void shutdown(0);
    }
  }, 2000).unref();
}

async function main(): Promise<void> {
  // `on`, not `once`: npm passes Ctrl-C's SIGINT on again, which must not kill us mid-shutdown.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      if (!stopping) log(`[glance-api] ${signal}: stopping`);
      void shutdown(0);
    });
  }
  stopWhenOrphaned();
  const args = process.argv.slice(2);
  const config = loadConfig(argValue(args, '--config-file'));
  // The app (lib/config getConfig) reads the same file.
  if (config.configFile) process.env.GLANCE_CONFIG_FILE = config.configFile;
  // Like `next start -H -p`: the launcher may say where to listen; default: bind_host / bind_port.
  const hostname = argValue(args, '--hostname') ?? config.bindHost;
  const port = Number(argValue(args, '--port') ?? config.bindPort);

  const databaseUrl = config.databaseUrl ?? (await embeddedDatabase(config));
  const migrated = await migrate(databaseUrl, path.join(ROOT, 'prisma', 'migrations'), log);
  if (migrated.applied.length === 0) log(`[db] schema up to date (${migrated.alreadyApplied.length} migrations)`);
  prepareDataDirs(config);
  buildIfNeeded();

  const app = next({ dev: false, dir: ROOT, hostname, port });
  await app.prepare();
  const handle = app.getRequestHandler();
  const timeouts = httpServerTimeouts(config.clientSocketTimeout);
  const server = createServer(
    {
      ServerResponse: LengthFramedResponse,
      requestTimeout: timeouts.requestTimeout,
      headersTimeout: timeouts.headersTimeout,
      keepAliveTimeout: timeouts.keepAliveTimeout,
      connectionsCheckingInterval: timeouts.connectionsCheckingInterval,
    },
    (req, res) => {
      handle(req, res).catch((err: unknown) => {
        console.error('[glance-api] request failed outside the app:', err);
        if (!res.headersSent) res.statusCode = 500;
        res.end();
      });
    },
  );
  applyIdleTimeout(server, timeouts.idleTimeout);
  httpServer = server;
  await listen(server, port, hostname);
  announce(config, hostname, port);
}

main().catch((err) => {
  console.error(`[glance-api] ${err instanceof Error ? err.stack : err}`);
  void shutdown(1);
});
