// `npm start` (the real entry point) on a temp
// config and data dir: a killed MariaDB is started again and service
// recovers; a killed server process stops the whole service (non-zero exit,
// MariaDB shut down cleanly); Ctrl-C and SIGTERM stop everything. No process
// is left behind.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, ROOT } from '../../../scripts/lib/server';
import { client } from '../../helpers/http';
import { waitFor } from '../../helpers/data';

interface Service {
  child: ChildProcess;
  dir: string;
  url: string;
  output: () => string;
  exited: Promise<number | null>;
  /** Every process that shares the output pipes (npm, the server) has closed them. */
  outputClosed: Promise<void>;
}

const started: Service[] = [];

function pidsReferring(dir: string): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        return readFileSync(`/proc/${d}/cmdline`, 'utf8').includes(dir);
      } catch {
        return false;
      }
    })
    .map(Number);
}

function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    return '';
  }
}

function descendants(pid: number): number[] {
  return childrenOf(pid).flatMap((c) => [c, ...descendants(c)]);
}

function serverPid(service: Service): number | undefined {
  return descendants(service.child.pid!).find((p) => commandOf(p).includes(path.join('dist', 'serve.cjs')));
}

function mariadbPid(service: Service): number | undefined {
  return descendants(service.child.pid!).find((p) => commandOf(p).startsWith('mariadbd '));
}

async function answers(url: string): Promise<boolean> {
  try {
    const res = await fetch(`${url}/v2/images`, { signal: AbortSignal.timeout(3000) });
    await res.arrayBuffer();
    return res.status === 200;
  } catch {
    return false;
  }
}

async function startService(): Promise<Service> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'glance-supervised-'));
  const port = await freePort();
  const configFile = path.join(dir, 'glance-api.conf');
  writeFileSync(
    configFile,
    [
      '[DEFAULT]', 'bind_host = 127.0.0.1', `bind_port = ${port}`, `data_dir = ${path.join(dir, 'data')}`,
      '[paste_deploy]', 'flavor = noauth',
      '[glance_store]', `filesystem_store_datadir = ${path.join(dir, 'data', 'images')}`, '',
    ].join('\n'),
  );
  // The real entry point; its own process group, so that the test can press Ctrl-C.
  const child = spawn('npm', ['start', '--', '--config-file', configFile], {
    cwd: ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, LOG_LEVEL: 'warn' },
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const outputClosed = Promise.all([child.stdout!, child.stderr!].map((s) => new Promise<void>((resolve) => s.once('close', () => resolve())))).then(() => {});
  const service: Service = { child, dir, url: `http://127.0.0.1:${port}`, output: () => output, exited, outputClosed };
  started.push(service);
  await waitFor('the service to answer', async () => ((await answers(service.url)) ? true : child.exitCode !== null ? Promise.reject(new Error(output)) : undefined), 240_000);
  return service;
}

/** Everything the service started is gone, and its directory removed. */
async function assertNothingLeft(service: Service): Promise<void> {
  const left = await waitFor('the service\'s processes to end', async () => (pidsReferring(service.dir).length === 0 ? [] : undefined), 30_000).catch(() => pidsReferring(service.dir));
  assert.deepEqual(left.map(commandOf), [], 'processes left behind');
}

after(async () => {
  for (const s of started) {
    if (s.child.exitCode === null && s.child.signalCode === null) {
      process.kill(-s.child.pid!, 'SIGINT');
      await Promise.race([s.exited, new Promise((r) => setTimeout(r, 30_000))]);
    }
    for (const pid of pidsReferring(s.dir)) process.kill(pid, 'SIGKILL');
    rmSync(s.dir, { recursive: true, force: true });
  }
});

test('kill -9 of MariaDB: it is started again and requests work again; Ctrl-C then stops everything', async () => {
  const service = await startService();
  const api = client(service.url);
  const before = await api.create({ name: 'kept', disk_format: 'raw', container_format: 'bare' });

  const db1 = mariadbPid(service)!;
  assert.ok(db1, 'mariadbd runs under the server process');
  process.kill(db1, 'SIGKILL');
  const db2 = await waitFor('a new mariadbd', async () => {
    const p = mariadbPid(service);
    return p && p !== db1 ? p : undefined;
  }, 60_000);
  assert.notEqual(db2, db1);
  await waitFor('requests to work again', async () => ((await answers(service.url)) ? true : undefined), 60_000);
  const created = await api.create({ name: 'after-db-restart', disk_format: 'raw', container_format: 'bare' });
  assert.equal(created.status, 'queued');
  assert.equal((await api.get(`/v2/images/${before.id}`)).json.name, 'kept');
  assert.match(service.output(), /MariaDB exited unexpectedly/);
  assert.match(service.output(), /restarting MariaDB in [\d.]+ s \(restart 1 of \d+\)/);
  assert.match(service.output(), /MariaDB is back/);

  const beforeStop = service.output().length;
  process.kill(-service.child.pid!, 'SIGINT');
  await service.exited;
  await service.outputClosed;
  assert.match(service.output(), /SIGINT: stopping/);
  assert.match(service.output(), /MariaDB stopped/);
  // Stopping its own database on purpose is not an incident: no "unreachable" error, no failed heartbeat.
  assert.doesNotMatch(service.output().slice(beforeStop), /database unreachable|heartbeat failed|sweep failed/);
  await assertNothingLeft(service);
  assert.equal(existsSync(path.join(service.dir, 'data', 'db', 'mysqld.sock')), false, 'MariaDB shut down cleanly (socket removed)');
});

test('kill -9 of the server process: the service stops, exits non-zero, and MariaDB shuts down cleanly', async () => {
  const service = await startService();
  const server = serverPid(service)!;
  const db = mariadbPid(service)!;
  assert.ok(server && db);
  process.kill(server, 'SIGKILL');
  assert.notEqual(await service.exited, 0);
  await assertNothingLeft(service);
  assert.equal(existsSync(path.join(service.dir, 'data', 'db', 'mysqld.sock')), false, 'MariaDB shut down cleanly (socket removed)');
  assert.match(readFileSync(path.join(service.dir, 'data', 'db', 'mysqld.err'), 'utf8'), /Shutdown complete/);
});

test('SIGTERM to npm alone (it does not always pass it on): the server process and MariaDB stop too', async () => {
  const service = await startService();
  service.child.kill('SIGTERM');
  await service.exited;
  await assertNothingLeft(service);
});
