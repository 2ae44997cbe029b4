// A real OpenStack Keystone (Debian's python3-keystone, Zed) on loopback for
// the delegated-mode tests: SQLite database, fernet tokens, bootstrapped admin,
// served by keystone-wsgi-public's built-in test server.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './server';

export interface RealKeystone {
  url: string;
  adminPassword: string;
  stop(): Promise<void>;
}

function manage(conf: string, args: string[]): void {
  const r = spawnSync('/usr/bin/keystone-manage', ['--config-file', conf, ...args], { encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new Error(`keystone-manage ${args[0]} failed (${r.status}):\n${r.stderr}`);
}

export async function startRealKeystone(): Promise<RealKeystone> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'keystone-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/v3`;
  const adminPassword = 'keystone-admin-secret';
  const conf = path.join(dir, 'keystone.conf');
  writeFileSync(conf, [
    '[DEFAULT]', 'use_stderr = true',
    '[database]', `connection = sqlite:///${path.join(dir, 'keystone.db')}`,
    '[token]', 'provider = fernet',
    '[fernet_tokens]', `key_repository = ${path.join(dir, 'fernet-keys')}`,
    '[fernet_receipts]', `key_repository = ${path.join(dir, 'fernet-receipts')}`,
    '[credential]', `key_repository = ${path.join(dir, 'credential-keys')}`,
    '',
  ].join('\n'));
  manage(conf, ['db_sync']);
  manage(conf, ['fernet_setup', '--keystone-user', 'root', '--keystone-group', 'root']);
  manage(conf, ['bootstrap', '--bootstrap-password', adminPassword, '--bootstrap-public-url', url, '--bootstrap-region-id', 'RegionOne']);
  const child: ChildProcess = spawn('/usr/bin/keystone-wsgi-public', ['--port', String(port), '--host', '127.0.0.1', '--', '--config-file', conf], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d) => (output += d));
  child.stderr?.on('data', (d) => (output += d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      const res = await fetch(url);
      await res.arrayBuffer();
      if (res.status === 200) break;
    } catch {
      /* not listening yet */
    }
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`keystone did not start:\n${output}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    adminPassword,
    stop: async () => {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
