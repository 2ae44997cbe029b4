// `npm run manage -- ARGS` against a test server's database and config, as an operator runs it.
import { spawn } from 'node:child_process';
import { ROOT } from '../../scripts/lib/server';
import type { TestServer } from './server';

/** Exit code, stdout, stderr, and both as they came (`out`). */
export function manage(server: TestServer, args: string[], configFile = server.configFile): Promise<{ code: number; out: string; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('npm', ['run', '--silent', 'manage', '--', ...args, '--config-file', configFile], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: server.databaseUrl },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => ((out += d), (stdout += d)));
    child.stderr.on('data', (d) => ((out += d), (stderr += d)));
    child.once('close', (code) => resolve({ code: code ?? 1, out, stdout, stderr }));
  });
}
