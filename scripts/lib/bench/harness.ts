// Everything a benchmark run needs, started the way `npm start` does it:
// an embedded MariaDB, the migrations, the built app and `next start` with a
// generated noauth config. All of it lives in one temp dir (database, store,
// test file) so the store is on the same disk as the test file; the dir is
// removed at the end unless BENCH_KEEP=1.
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EmbeddedMariaDb } from '../embedded-mariadb';
import { buildIfNeeded, freePort, migrateDatabase, startNext, waitForHttp, writeLoopbackConfig, type ServerProcess } from '../server';

export interface BenchServer {
  dir: string;
  storeDir: string;
  url: string;
  serverPid: number;
  dbPid: number;
  databaseUrl: string;
  serverLog: string;
  stop(): Promise<void>;
}


export async function startBenchServer(log: (m: string) => void = console.log): Promise<BenchServer> {
  const base = process.env.BENCH_DIR || os.tmpdir();
  mkdirSync(base, { recursive: true });
  const dir = mkdtempSync(path.join(base, 'glance-bench-'));
  const storeDir = path.join(dir, 'images');
  mkdirSync(storeDir);
  // Same MariaDB settings as `npm start` (durable commits): a fair comparison
  // with Glance on a stock MariaDB.
  const db = new EmbeddedMariaDb({ dir: path.join(dir, 'mariadb'), log });
  let server: ServerProcess | null = null;
  const stop = async () => {
    if (server && server.child.exitCode === null) {
      server.child.kill('SIGTERM');
      await server.exited;
    }
    await db.stop();
    if (process.env.BENCH_KEEP === '1') log(`[bench] kept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  };
  try {
    await db.start();
    const databaseUrl = db.url('glance');
    await migrateDatabase(databaseUrl, log);
    buildIfNeeded(log);
    const port = await freePort();
    const configFile = writeLoopbackConfig(dir, { port, flavor: 'noauth', store: `filesystem_store_datadir = ${storeDir}` });
    server = await startNext({
      host: '127.0.0.1',
      port,
      env: { DATABASE_URL: databaseUrl, GLANCE_CONFIG_FILE: configFile },
      stdio: 'pipe',
    });
    const serverLog = path.join(dir, 'server.log');
    const out = createWriteStream(serverLog);
    server.child.stdout?.pipe(out);
    server.child.stderr?.pipe(out);
    const url = `http://127.0.0.1:${port}`;
    await waitForHttp(`${url}/versions`, server.exited);
    log(`[bench] server pid ${server.child.pid} on ${url}, MariaDB pid ${db.pid}, dir ${dir}`);
    return { dir, storeDir, url, serverPid: server.child.pid!, dbPid: db.pid!, databaseUrl, serverLog, stop };
  } catch (err) {
    const logFile = path.join(dir, 'server.log');
    if (existsSync(logFile)) log(`[bench] server output:\n${readFileSync(logFile, 'utf8').slice(-3000)}`);
    await stop();
    throw err;
  }
}
