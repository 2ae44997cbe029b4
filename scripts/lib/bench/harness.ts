// Everything a benchmark run needs, started exactly as an operator starts it:
// `npm start -- --config-file` with a generated noauth config, so the
// figures are those of the process tree npm start keeps alive (npm and the
// server process; the embedded MariaDB counted apart). All of it lives
// in one temp dir (database, store, test file) so the store is on the same
// disk as the test file; the dir is removed at the end unless BENCH_KEEP=1.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EmbeddedMariaDb } from '../embedded-mariadb';
import { freePort, ROOT, waitForHttp, writeLoopbackConfig } from '../server';
import { processTree } from './sampler';

export interface BenchServer {
  dir: string;
  storeDir: string;
  url: string;
  /** npm's pid: the root of the measured process tree. */
  treePid: number;
  /** The server process (for the shared probe, which cannot leave the database out of a tree). */
  serverPid: number;
  dbPid: number;
  databaseUrl: string;
  serverLog: string;
  stop(): Promise<void>;
}

function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    return '';
  }
}

function commOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '';
  }
}

/**
 * `storeConfig`: the [glance_store] lines (and any sections they need) for the store directory; default: that directory alone.
 * `extra`: further glance-api.conf sections (the import filtering that lets web-download reach the bench's source).
 */
export async function startBenchServer(log: (m: string) => void = console.log, storeConfig?: (storeDir: string) => string, extra?: string): Promise<BenchServer> {
  const base = process.env.BENCH_DIR || os.tmpdir();
  mkdirSync(base, { recursive: true });
  const dir = mkdtempSync(path.join(base, 'glance-bench-'));
  const storeDir = path.join(dir, 'images');
  mkdirSync(storeDir);
  const port = await freePort();
  // data_dir in the temp dir: the embedded MariaDB (stock settings, as for an operator) lives there.
  const configFile = writeLoopbackConfig(dir, { port, flavor: 'noauth', store: storeConfig ? storeConfig(storeDir) : `filesystem_store_datadir = ${storeDir}`, extra });
  const serverLog = path.join(dir, 'server.log');
  const out = openSync(serverLog, 'a');
  const npm = spawn('npm', ['start', '--', '--config-file', configFile], { cwd: ROOT, stdio: ['ignore', out, out] });
  closeSync(out);
  const exited = new Promise<number | null>((resolve) => npm.once('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  const tree = () => processTree(npm.pid!);
  const stop = async () => {
    // npm does not pass SIGTERM on; the server process stops itself and MariaDB.
    const server = tree().find((p) => commandOf(p).includes(path.join('dist', 'serve.cjs')));
    if (server) process.kill(server, 'SIGTERM');
    else if (npm.exitCode === null) npm.kill('SIGTERM');
    await exited;
    if (process.env.BENCH_KEEP === '1') log(`[bench] kept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitForHttp(`${url}/versions`, exited, 600_000);
    const pids = tree();
    const dbPid = pids.find((p) => commOf(p) === 'mariadbd');
    const serverPid = pids.find((p) => commandOf(p).includes(path.join('dist', 'serve.cjs')));
    if (!dbPid || !serverPid) throw new Error(`expected mariadbd and the server under npm (pid ${npm.pid}), found ${pids.map(commOf).join(', ')}`);
    const databaseUrl = new EmbeddedMariaDb({ dir: path.join(dir, 'data', 'db') }).appUrl();
    log(`[bench] npm start pid ${npm.pid} (server pid ${serverPid}) on ${url}, MariaDB pid ${dbPid}, dir ${dir}`);
    return { dir, storeDir, url, treePid: npm.pid!, serverPid, dbPid, databaseUrl, serverLog, stop };
  } catch (err) {
    if (existsSync(serverLog)) log(`[bench] npm start output:\n${readFileSync(serverLog, 'utf8').slice(-3000)}`);
    await stop();
    throw err;
  }
}

