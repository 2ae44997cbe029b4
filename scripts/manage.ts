// npm run manage -- <command> [args] [--config-file PATH]: operator commands
// against the service's database (the one `npm start` uses: DATABASE_URL,
// [database] connection, or the embedded MariaDB under the data directory,
// started here for the duration of the command when it is not running).
//   unlock-user NAME [--domain NAME]      clear a user's lockout (the admin's too)
//   reset-password NAME [--domain NAME]   new password from stdin, or a generated one printed
//   db-load-metadefs [PATH] [--merge] [--prefer-new] [--overwrite]
//                                         glance-manage's: definition files (default etc/metadefs) into the catalog
//   db-export-metadefs PATH               glance-manage's: the catalog out, one file per namespace
//   scrub                                 glance-scrubber's one run: remove the data of pending_delete images past scrub_time
//   restore IMAGE_ID                      glance-scrubber --restore: a pending_delete image back to active
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import * as mariadb from 'mariadb';
import { loadConfig } from '../lib/config';
import { poolConfigFromUrl } from '../lib/db/url';
import { EmbeddedMariaDb } from './lib/embedded-mariadb';

const USAGE =
  'usage: npm run manage -- unlock-user NAME | reset-password NAME  [--domain NAME] | db-load-metadefs [PATH] [--merge] [--prefer-new] [--overwrite] | db-export-metadefs PATH | scrub | restore IMAGE_ID  [--config-file PATH]';

function flag(args: string[], name: string): boolean {
  const i = args.indexOf(name);
  if (i >= 0) args.splice(i, 1);
  return i >= 0;
}

/** The metadata definitions commands; null when the command is another one. */
async function metadefsCommand(args: string[], configFile: string | null): Promise<number | null> {
  const opts = { merge: flag(args, '--merge'), preferNew: flag(args, '--prefer-new'), overwrite: flag(args, '--overwrite') };
  const [command, target, ...rest] = args;
  if (command !== 'db-load-metadefs' && command !== 'db-export-metadefs') return null;
  if (rest.length > 0 || (command === 'db-export-metadefs' && !target)) {
    console.error(USAGE);
    return 2;
  }
  const db = await database(configFile);
  process.env.DATABASE_URL = db.url;
  const { loadMetadefs, exportMetadefs, SHIPPED_METADEFS } = await import('../lib/metadefs/load');
  try {
    if (command === 'db-load-metadefs') {
      const { loaded, skipped } = await loadMetadefs(target ?? SHIPPED_METADEFS, opts);
      console.log(`[manage] metadata definitions: ${loaded.length} file(s) loaded, ${skipped.length} skipped (namespace exists; --merge or --overwrite to change it)`);
    } else {
      const written = await exportMetadefs(target!);
      console.log(`[manage] metadata definitions: ${written.length} namespace(s) written to ${target}`);
    }
    return 0;
  } finally {
    const { db: client } = await import('../lib/db/client');
    await client().$disconnect();
    await db.stop();
  }
}

/** glance-scrubber's commands; null when the command is another one. Errors as glance-scrubber prints them. */
async function scrubberCommand(args: string[], configFile: string | null): Promise<number | null> {
  const [command, imageId, ...rest] = args;
  if (command !== 'scrub' && command !== 'restore') return null;
  if (rest.length > 0 || (command === 'restore') !== (imageId !== undefined)) {
    console.error(USAGE);
    return 2;
  }
  const db = await database(configFile);
  process.env.DATABASE_URL = db.url;
  const { GlanceError } = await import('../lib/errors');
  const { serverActor } = await import('../lib/images/actor');
  try {
    if (command === 'restore') {
      const { restoreImage } = await import('../lib/images/restore');
      await restoreImage(serverActor('operator'), imageId!);
      console.log(`[manage] image ${imageId} restored to active`);
      return 0;
    }
    const { scrubDue } = await import('../lib/images/scrubber');
    const c = await scrubDue();
    console.log(`[manage] scrubbed ${c.scrubbed} image(s); ${c.failed} failed and stay pending_delete; ${c.skipped} taken by another scrubber`);
    return c.failed > 0 ? 1 : 0;
  } catch (err) {
    if (!(err instanceof GlanceError)) throw err;
    console.error(`ERROR: ${err.message}`);
    return 1;
  } finally {
    const { db: client } = await import('../lib/db/client');
    await client().$disconnect();
    await db.stop();
  }
}

function option(args: string[], name: string): string | null {
  const i = args.findIndex((a) => a === name || a.startsWith(`${name}=`));
  if (i < 0) return null;
  const value = args[i].includes('=') ? args[i].split('=').slice(1).join('=') : args[i + 1];
  args.splice(i, args[i].includes('=') ? 1 : 2);
  return value ?? null;
}

async function reachable(url: string): Promise<boolean> {
  try {
    const conn = await mariadb.createConnection({ ...poolConfigFromUrl(url), connectTimeout: 2000 });
    await conn.end();
    return true;
  } catch {
    return false;
  }
}

/** The database URL, and a stop function when this command had to start the embedded MariaDB. */
async function database(configFile: string | null): Promise<{ url: string; stop: () => Promise<void> }> {
  const config = loadConfig(configFile);
  if (config.databaseUrl) return { url: config.databaseUrl, stop: async () => {} };
  const embedded = new EmbeddedMariaDb({ dir: `${config.dataDir}/db` });
  if (existsSync(embedded.socket) && existsSync(embedded.appPasswordFile) && (await reachable(embedded.appUrl()))) {
    return { url: embedded.appUrl(), stop: async () => {} };
  }
  if (!existsSync(embedded.datadir)) throw new Error(`no database yet under ${embedded.dir}: run npm start once first`);
  await embedded.start();
  return { url: embedded.appUrl(), stop: () => embedded.stop() };
}

function newPasswordFromStdin(): string | null {
  if (process.stdin.isTTY) return null;
  const line = readFileSync(0, 'utf8').split('\n')[0].replace(/\r$/, '');
  return line === '' ? null : line;
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const configFile = option(args, '--config-file');
  if (configFile) process.env.GLANCE_CONFIG_FILE = configFile;
  const metadefs = await metadefsCommand([...args], configFile);
  if (metadefs !== null) return metadefs;
  const scrubber = await scrubberCommand(args, configFile);
  if (scrubber !== null) return scrubber;
  const domain = option(args, '--domain') ?? 'Default';
  const [command, name, ...rest] = args;
  if (!command || !name || rest.length > 0 || !['unlock-user', 'reset-password'].includes(command)) {
    console.error(USAGE);
    return 2;
  }
  const db = await database(configFile);
  // The service's modules read DATABASE_URL through the config on first use.
  process.env.DATABASE_URL = db.url;
  const { unlockUser, resetPassword, OperatorError } = await import('../lib/identity/operator');
  try {
    if (command === 'unlock-user') {
      const failures = await unlockUser(name, domain);
      console.log(`[manage] user "${name}" unlocked (${failures} failed attempts forgotten)`);
    } else {
      const given = newPasswordFromStdin();
      const password = given ?? randomBytes(18).toString('base64url');
      await resetPassword(name, password, domain);
      console.log(`[manage] new password set for "${name}"; its tokens are revoked`);
      if (!given) console.log(`[manage] password: ${password}`);
    }
    return 0;
  } catch (err) {
    if (err instanceof OperatorError) {
      console.error(`[manage] ${err.message}`);
      return 1;
    }
    throw err;
  } finally {
    const { db: client } = await import('../lib/db/client');
    await client().$disconnect();
    await db.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`[manage] ${err instanceof Error ? err.message : err}`);
    process.exit(1);
  },
);
