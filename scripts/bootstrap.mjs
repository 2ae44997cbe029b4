#!/usr/bin/env node
// Entry point of `npm start`, `npm test`, `npm run test:unit` and `npm run bench` on a fresh machine.
// Plain JavaScript on purpose: it runs before any dependency is installed.
// It installs npm dependencies when package-lock.json changed since the last
// install, generates the Prisma client, bundles the server's entry point,
// then hands over to scripts/<command>.ts.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const [command = 'start', ...rest] = process.argv.slice(2);
// null: the preparation only (see 4.).
const scripts = { start: null, test: 'scripts/test.ts', 'test-unit': 'scripts/test-unit.ts', bench: 'scripts/bench.ts', 'bench-browser': 'scripts/bench-browser.ts', manage: 'scripts/manage.ts' };
if (!(command in scripts)) {
  console.error(`unknown command ${command}; expected one of ${Object.keys(scripts).join(', ')}`);
  process.exit(2);
}

function run(cmd, args, env = {}) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  if (r.status !== 0) {
    console.error(`[bootstrap] ${cmd} ${args.join(' ')} failed (exit ${r.status ?? r.signal})`);
    process.exit(r.status ?? 1);
  }
}

function digest(file) {
  return createHash('sha256').update(readFileSync(path.join(root, file))).digest('hex');
}

// 1. npm dependencies, reinstalled only when the lock file changed.
const marker = path.join(root, 'node_modules', '.installed-lock-sha256');
const lockDigest = digest('package-lock.json');
if (!existsSync(marker) || readFileSync(marker, 'utf8') !== lockDigest) {
  console.log('[bootstrap] installing npm dependencies (npm ci)');
  run('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error']);
  writeFileSync(marker, lockDigest);
}

// 2. Prisma client, regenerated when the schema changed. Prisma's CLI wants a
// schema-engine binary it would download; generation does not use it, so an
// honest stub stands in unless the user points at a real one.
const generatedMarker = path.join(root, 'lib', 'generated', 'prisma', '.schema-sha256');
const schemaDigest = digest('prisma/schema.prisma');
if (!existsSync(generatedMarker) || readFileSync(generatedMarker, 'utf8') !== schemaDigest) {
  console.log('[bootstrap] generating the Prisma client');
  const engine = process.env.PRISMA_SCHEMA_ENGINE_BINARY || path.join(root, 'scripts', 'prisma-engine-stub.sh');
  run(path.join(root, 'node_modules', '.bin', 'prisma'), ['generate'], { PRISMA_SCHEMA_ENGINE_BINARY: engine });
  writeFileSync(generatedMarker, schemaDigest);
}

// 3. The server process runs plain JavaScript: scripts/serve.ts is bundled
// into dist/ (esbuild, ~50 ms), so no TypeScript loader sits in memory.
run(path.join(root, 'node_modules', '.bin', 'esbuild'), [
  'scripts/serve.ts', '--bundle', '--platform=node', '--target=node20', '--format=cjs',
  '--packages=external', '--outdir=dist', '--out-extension:.js=.cjs', '--log-level=warning',
]);

// 4. The command itself. `start` ends here: package.json's start script then
// execs scripts/glance-api.sh in place of its shell, so that npm's only child
// is the server process (no bootstrap, no loader kept alive beside it).
if (!scripts[command]) process.exit(0);
const tsx = path.join(root, 'node_modules', '.bin', 'tsx');
const child = spawnSync(tsx, [path.join(root, scripts[command]), ...rest], { cwd: root, stdio: 'inherit' });
process.exit(child.status ?? (child.signal ? 1 : 0));
