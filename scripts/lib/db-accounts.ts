// The embedded MariaDB's accounts, made safe on every start (idempotent, so
// datadirs from earlier versions are upgraded): root@localhost gets a random
// password (kept 0600 beside the datadir) besides the OS root's unix socket;
// the app gets `glance`@localhost with rights on the `glance` database only;
// every other account that could log in without a password is dropped.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import type { Connection } from 'mariadb';

export const APP_USER = 'glance';
export const APP_DATABASE = 'glance';
/** mariadb-install-db's locked, privilege-less owner of system views. */
const SYSTEM_ACCOUNTS = new Set(['mariadb.sys@localhost']);

export function readSecret(file: string): string {
  return readFileSync(file, 'utf8').trim();
}

interface AuthMethod {
  plugin?: string;
  authentication_string?: string;
}

interface AccountRow {
  user: string;
  host: string;
  /** JSON; the driver may hand it over parsed already. */
  priv: string | Record<string, unknown>;
}

/** Can this account log in without a password (or only by an OS identity)? */
export function loginWithoutPassword(priv: Record<string, unknown>): boolean {
  if (priv.account_locked === true) return false;
  const main: AuthMethod = { plugin: priv.plugin as string | undefined, authentication_string: priv.authentication_string as string | undefined };
  const alternatives = Array.isArray(priv.auth_or) ? (priv.auth_or as AuthMethod[]).map((m) => (Object.keys(m).length === 0 ? main : m)) : [main];
  return alternatives.some((m) => {
    const plugin = m.plugin ?? 'mysql_native_password';
    if (plugin === 'unix_socket') return true;
    return (plugin === 'mysql_native_password' || plugin === 'mysql_old_password') && !m.authentication_string;
  });
}

/** Write a new random secret beside `file`; the caller renames it into place once the server took it. */
function draftSecret(file: string): { password: string; commit: () => void; discard: () => void } {
  const password = randomBytes(24).toString('base64url');
  const draft = `${file}.new`;
  writeFileSync(draft, password + '\n', { mode: 0o600 });
  return { password, commit: () => renameSync(draft, file), discard: () => rmSync(draft, { force: true }) };
}

async function withSecret(file: string, apply: (password: string) => Promise<void>): Promise<void> {
  const secret = draftSecret(file);
  try {
    await apply(secret.password);
    secret.commit();
  } catch (err) {
    secret.discard();
    throw err;
  }
}

export async function secureAccounts(
  conn: Connection,
  files: { rootPasswordFile: string; appPasswordFile: string; log: (m: string) => void },
): Promise<void> {
  if (!existsSync(files.rootPasswordFile)) {
    await withSecret(files.rootPasswordFile, (pw) =>
      conn.query("ALTER USER 'root'@'localhost' IDENTIFIED VIA unix_socket OR mysql_native_password USING PASSWORD(?)", [pw]).then(() => {}),
    );
    files.log(`[db] root@localhost: OS root over the socket, or the password in ${files.rootPasswordFile}`);
  }

  const rows: AccountRow[] = await conn.query('SELECT user AS user, host AS host, priv AS priv FROM mysql.global_priv');
  for (const row of rows) {
    const account = `${row.user}@${row.host}`;
    if (account === 'root@localhost' || account === `${APP_USER}@localhost` || SYSTEM_ACCOUNTS.has(account)) continue;
    const priv = typeof row.priv === 'string' ? JSON.parse(row.priv) : row.priv;
    if (row.user !== '' && !loginWithoutPassword(priv)) continue;
    await conn.query('DROP USER ?@?', [row.user, row.host]);
    files.log(`[db] dropped account '${row.user}'@'${row.host}': it could log in without a password`);
  }

  await conn.query(`CREATE DATABASE IF NOT EXISTS \`${APP_DATABASE}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  if (!existsSync(files.appPasswordFile)) {
    await withSecret(files.appPasswordFile, async (pw) => {
      await conn.query('CREATE USER IF NOT EXISTS ?@? IDENTIFIED BY ?', [APP_USER, 'localhost', pw]);
      await conn.query('ALTER USER ?@? IDENTIFIED BY ?', [APP_USER, 'localhost', pw]);
    });
    files.log(`[db] the app connects as ${APP_USER}@localhost (password in ${files.appPasswordFile})`);
  }
  await conn.query(`GRANT ALL PRIVILEGES ON \`${APP_DATABASE}\`.* TO ?@?`, [APP_USER, 'localhost']);
}
