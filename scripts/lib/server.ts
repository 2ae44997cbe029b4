// What the server process needs (data dirs, build), and startNext(), which
// runs it (scripts/glance-api.sh -> dist/serve.cjs, bundled by bootstrap.mjs)
// for the test suite and bench-browser the way `npm start` runs it.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import type { GlanceConfig } from '../../lib/config';
import { ROOT } from './paths';

export { ROOT };

/** The server entry, bundled by scripts/bootstrap.mjs before every command. */
export const SERVER_ENTRY = path.join(ROOT, 'dist', 'serve.cjs');
/** Its launcher, the one place for the server process's process-wide settings. */
export const SERVER_LAUNCHER = path.join(ROOT, 'scripts', 'glance-api.sh');

function newestMtime(p: string): number {
  if (!existsSync(p)) return 0;
  const st = statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const entry of readdirSync(p)) {
    if (entry === 'node_modules' || entry === 'generated' || entry.startsWith('.')) continue;
    newest = Math.max(newest, newestMtime(path.join(p, entry)));
  }
  return newest;
}

/** Whether `root`'s .next is older than a source of the build (or missing). */
export function buildIsStale(root: string = ROOT): boolean {
  const buildId = path.join(root, '.next', 'BUILD_ID');
  // prisma/schema.prisma stands for lib/generated (skipped below): the client is regenerated when it changes.
  const sources = ['app', 'pages', 'http', 'lib', 'components', 'public', 'instrumentation.ts', 'next.config.js', 'package-lock.json', 'postcss.config.mjs', 'tsconfig.json', 'prisma/schema.prisma'];
  const newest = Math.max(...sources.map((s) => newestMtime(path.join(root, s))));
  return !existsSync(buildId) || statSync(buildId).mtimeMs <= newest;
}

/** `next build` unless .next is newer than every source file. */
export function buildIfNeeded(log: (m: string) => void = console.log): void {
  if (!buildIsStale()) return;
  log('[setup] building the app (next build)');
  const r = spawnSync(path.join(ROOT, 'node_modules', '.bin', 'next'), ['build'], {
    cwd: ROOT,
    stdio: 'inherit',
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
  });
  if (r.status !== 0) throw new Error('next build failed');
}

/** Create store directories that live inside our own data folder; others must exist already. */
export function prepareDataDirs(config: GlanceConfig): void {
  for (const d of config.storeDirs) {
    if (d.path === config.dataDir || d.path.startsWith(config.dataDir + path.sep)) mkdirSync(d.path, { recursive: true });
  }
}

export interface ServerProcess {
  child: ChildProcess;
  exited: Promise<number | null>;
}

/** Run the built app in a server process of its own; waitForHttp tells when it answers. */
export async function startNext(opts: { host: string; port: number; env: Record<string, string>; stdio?: 'inherit' | 'pipe' }): Promise<ServerProcess> {
  if (!existsSync(SERVER_ENTRY)) throw new Error(`${SERVER_ENTRY} is missing: run through npm start / npm test / npm run bench`);
  // setpriv --pdeathsig: the server stops with whoever started it, even if that one is killed outright.
  const child = spawn('setpriv', ['--pdeathsig', 'TERM', SERVER_LAUNCHER, '--hostname', opts.host, '--port', String(opts.port)], {
    cwd: ROOT,
    stdio: opts.stdio === 'pipe' ? ['ignore', 'pipe', 'pipe'] : 'inherit',
    env: { ...process.env, ...opts.env },
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 : null))));
  return { child, exited };
}

export async function waitForHttp(url: string, exited: Promise<number | null>, timeoutMs = 60_000): Promise<void> {
  let done: number | null | undefined;
  void exited.then((c) => { done = c; });
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (done !== undefined) throw new Error(`server exited with ${done} before it answered`);
    try {
      const res = await fetch(url, { headers: { Accept: 'application/json' } });
      await res.arrayBuffer();
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 150));
    }
  }
  throw new Error(`server did not answer at ${url} in time`);
}

/** A glance-api.conf for a server of our own on loopback (tests, benchmark). */
/** `flavor: null` leaves [paste_deploy] out (the service must then fail closed to keystone). */
export function writeLoopbackConfig(dir: string, opts: { port: number; flavor: string | null; store: string; extra?: string }): string {
  const configFile = path.join(dir, 'glance-api.conf');
  writeFileSync(
    configFile,
    [
      '[DEFAULT]',
      'bind_host = 127.0.0.1',
      `bind_port = ${opts.port}`,
      `data_dir = ${path.join(dir, 'data')}`,
      ...(opts.flavor === null ? [] : ['[paste_deploy]', `flavor = ${opts.flavor}`]),
      '[glance_store]',
      opts.store,
      opts.extra ?? '',
      '',
    ].join('\n'),
  );
  return configFile;
}

/** A TCP port free on loopback right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}
