// npm start [-- --config-file PATH]: database (embedded MariaDB unless
// DATABASE_URL or [database] connection is set), migrations, build, serve.
import { existsSync } from 'node:fs';
import { loadConfig } from '../lib/config';
import { EmbeddedMariaDb } from './lib/embedded-mariadb';
import { ensureDebianPackages, MARIADB } from './lib/system-packages';
import { buildIfNeeded, migrateDatabase, prepareDataDirs, startNext, waitForHttp } from './lib/server';

function argValue(name: string): string | null {
  const args = process.argv.slice(2);
  const i = args.findIndex((a) => a === name || a.startsWith(`${name}=`));
  if (i < 0) return null;
  return args[i].includes('=') ? args[i].split('=').slice(1).join('=') : args[i + 1] ?? null;
}

async function main(): Promise<void> {
  const config = loadConfig(argValue('--config-file'));
  let embedded: EmbeddedMariaDb | null = null;
  let url = config.databaseUrl;
  if (!url) {
    ensureDebianPackages(MARIADB);
    embedded = new EmbeddedMariaDb({ dir: `${config.dataDir}/db`, log: console.log });
    await embedded.start();
    url = embedded.url('glance');
  }
  const stopDb = async () => { if (embedded) await embedded.stop(); };
  try {
    await migrateDatabase(url);
    prepareDataDirs(config);
    buildIfNeeded();
  } catch (err) {
    await stopDb();
    throw err;
  }

  const server = await startNext({
    host: config.bindHost,
    port: config.bindPort,
    env: { DATABASE_URL: url, ...(config.configFile ? { GLANCE_CONFIG_FILE: config.configFile } : {}) },
  });
  let stopping = false;
  const shutdown = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    console.log(`[start] ${signal}: stopping`);
    server.child.kill('SIGTERM');
    await server.exited;
    await stopDb();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  const shown = config.bindHost === '0.0.0.0' ? '127.0.0.1' : config.bindHost;
  waitForHttp(`http://${shown}:${config.bindPort}/versions`, server.exited)
    .then(() => {
      console.log(`[start] Glance API on http://${shown}:${config.bindPort}/v2, console on http://${shown}:${config.bindPort}/dashboard`);
      if (config.authFlavor === 'keystone' && !config.keystoneAuthtoken) {
        const openrc = config.identity.adminOpenrc;
        console.log(`[start] identity API on http://${shown}:${config.bindPort}/v3` + (openrc && existsSync(openrc) ? `; admin credentials: . ${openrc}` : ''));
      }
    })
    .catch(() => {});
  const code = await server.exited;
  if (!stopping) {
    await stopDb();
    process.exit(code ?? 1);
  }
}

main().catch((err) => {
  console.error(`[start] ${err instanceof Error ? err.message : err}`);
  process.exit(1);
});
