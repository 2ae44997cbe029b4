// Runs the real `openstack` / `glance` command-line clients (Debian's
// python3-openstackclient and python3-glanceclient) with an environment that
// holds only what `. admin-openrc` exports, and parses their tables.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

const home = mkdtempSync(path.join(os.tmpdir(), 'cli-home-'));

/** Run a client binary with the given OS_* variables (and a bare PATH/HOME, so nothing else leaks in). */
export function runCli(bin: 'openstack' | 'glance', args: string[], osEnv: Record<string, string>, cwd?: string): Promise<CliResult> {
  return new Promise((resolve) => {
    // stdin is /dev/null: `image create` without --file would otherwise wait to read image data from it.
    const child = spawn(`/usr/bin/${bin}`, args, {
      cwd,
      env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', HOME: home, LANG: 'C.UTF-8', ...osEnv } as unknown as NodeJS.ProcessEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 120_000,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.once('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

/** A cliff table (`+---+` borders) as rows of cells; the first row is the header. */
export function parseTable(out: string): string[][] {
  return out
    .split('\n')
    .filter((l) => l.startsWith('|'))
    .map((l) => l.slice(1, -1).split('|').map((c) => c.trim()));
}

/** A Field/Value table as an object. */
export function parseFields(out: string): Record<string, string> {
  const rows = parseTable(out);
  if (rows.length === 0 || rows[0][0] !== 'Field') throw new Error(`not a Field/Value table:\n${out}`);
  return Object.fromEntries(rows.slice(1).map(([k, v]) => [k, v]));
}

/** A list table as objects keyed by the header cells. */
export function parseRows(out: string): Record<string, string>[] {
  const [header, ...rows] = parseTable(out);
  return header ? rows.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]]))) : [];
}
