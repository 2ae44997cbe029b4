// The embedded MariaDB's accounts: no account logs in without credentials
// (root only as the OS root over the socket, or with its stored password);
// the app's `glance` user is confined to the `glance` database; a datadir made
// by an earlier version (passwordless root@127.0.0.1, ::1, hostname) is
// upgraded on start without locking its operator out.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as mariadb from 'mariadb';
import { EmbeddedMariaDb } from '../../../scripts/lib/embedded-mariadb';
import { poolConfigFromUrl } from '../../../lib/db/url';

const dirs: string[] = [];
const running: EmbeddedMariaDb[] = [];
const others: ChildProcess[] = [];

function tempDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'glance-dbacct-'));
  chmodSync(dir, 0o755); // so that an unprivileged OS user can reach the socket and be refused by MariaDB itself
  dirs.push(dir);
  return dir;
}

async function started(dir: string): Promise<EmbeddedMariaDb> {
  const db = new EmbeddedMariaDb({ dir: path.join(dir, 'db'), extraArgs: ['--innodb-flush-log-at-trx-commit=0'] });
  running.push(db);
  await db.start();
  return db;
}

after(async () => {
  for (const p of others) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
  for (const db of running) await db.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function query<T>(url: string, sql: string): Promise<T[]> {
  const conn = await mariadb.createConnection({ ...poolConfigFromUrl(url), connectTimeout: 5000 });
  try {
    return (await conn.query(sql)) as T[];
  } finally {
    await conn.end();
  }
}

async function loginFails(opts: { socket: string; user: string; password?: string; database?: string }): Promise<string> {
  try {
    const c = await mariadb.createConnection({ socketPath: opts.socket, user: opts.user, password: opts.password ?? '', database: opts.database, connectTimeout: 5000 });
    await c.end();
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error(`${opts.user} logged in`);
}

interface UserRow { user: string; host: string; plugin: string; authentication_string: string }
const USERS = 'select user as user, host as host, plugin as plugin, authentication_string as authentication_string from mysql.user order by user, host';

function passwordless(rows: UserRow[]): string[] {
  return rows.filter((r) => r.authentication_string === '').map((r) => `${r.user}@${r.host}`);
}

/** The only passwordless row left is mariadb.sys, which is locked and holds no privileges. */
async function assertNoUsablePasswordlessAccount(adminUrl: string): Promise<void> {
  const rows = await query<UserRow>(adminUrl, USERS);
  assert.deepEqual(passwordless(rows), ['mariadb.sys@localhost']);
  const [sys] = await query<{ priv: string | { account_locked?: boolean; access?: number } }>(adminUrl, "select priv as priv from mysql.global_priv where user = 'mariadb.sys'");
  const priv = typeof sys.priv === 'string' ? JSON.parse(sys.priv) : sys.priv;
  assert.equal(priv.account_locked, true);
  assert.equal(priv.access, 0);
}

/** The mariadb CLI as an unprivileged OS user (nobody). */
function asNobody(socket: string, user: string): { status: number | null; stderr: string } {
  const r = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', 'mariadb', '--no-defaults', `--socket=${socket}`, `--user=${user}`, '-e', 'select 1'], { encoding: 'utf8' });
  return { status: r.status, stderr: r.stderr };
}

test('a new datadir: only root@localhost, glance@localhost and the locked mariadb.sys; none passwordless; glance confined', async () => {
  const dir = tempDir();
  const db = await started(dir);
  const rows = await query<UserRow>(db.adminUrl('mysql'), USERS);
  assert.deepEqual(rows.map((r) => `${r.user}@${r.host}`), ['glance@localhost', 'mariadb.sys@localhost', 'root@localhost']);
  await assertNoUsablePasswordlessAccount(db.adminUrl('mysql'));
  for (const f of [db.rootPasswordFile, db.appPasswordFile]) assert.equal(statSync(f).mode & 0o777, 0o600, f);

  // The app's account works on its database, and nowhere else.
  assert.deepEqual(await query(db.appUrl(), 'select 1 as one'), [{ one: 1 }]);
  await assert.rejects(query(db.appUrl(), 'create database other'), /denied/i);
  await assert.rejects(query(db.appUrl(), 'select * from mysql.user'), /denied/i);

  // No login without credentials.
  assert.match(await loginFails({ socket: db.socket, user: 'glance' }), /denied/i);
  assert.match(await loginFails({ socket: db.socket, user: '' }), /denied/i);
  const nobodyAsRoot = asNobody(db.socket, 'root');
  assert.notEqual(nobodyAsRoot.status, 0);
  assert.match(nobodyAsRoot.stderr, /Access denied for user 'root'@'localhost'/);
});

test('a datadir from an earlier version (passwordless root on TCP hosts, root password file) is upgraded; its root password still works', async () => {
  const dir = tempDir();
  const dbDir = path.join(dir, 'db');
  const datadir = path.join(dbDir, 'mysql');
  const socket = path.join(dbDir, 'mysqld.sock');
  // What earlier versions did: install with passwordless root accounts, then give root@localhost a password.
  const install = spawnSync('mariadb-install-db', ['--no-defaults', `--datadir=${datadir}`, '--auth-root-authentication-method=normal', '--skip-test-db', '--user=root'], { encoding: 'utf8' });
  assert.equal(install.status, 0, install.stderr);
  const old = spawn('mariadbd', ['--no-defaults', `--datadir=${datadir}`, `--socket=${socket}`, '--skip-networking', '--user=root', `--log-error=${path.join(dbDir, 'old.err')}`], { stdio: 'ignore' });
  others.push(old);
  const oldExited = new Promise((r) => old.once('exit', r));
  const oldPassword = 'earlier-version-secret';
  let conn: mariadb.Connection | undefined;
  for (let i = 0; i < 100 && !conn; i++) {
    conn = await mariadb.createConnection({ socketPath: socket, user: 'root', password: '' }).catch(() => undefined);
    if (!conn) await new Promise((r) => setTimeout(r, 100));
  }
  assert.ok(conn, 'the earlier-version server started');
  conn.on('error', () => {});
  const before = (await conn.query(USERS)) as UserRow[];
  assert.ok(passwordless(before).filter((a) => a.startsWith('root@')).length >= 2, `earlier versions left passwordless root accounts: ${passwordless(before)}`);
  await conn.query("ALTER USER 'root'@'localhost' IDENTIFIED VIA unix_socket OR mysql_native_password USING PASSWORD(?)", [oldPassword]);
  await conn.end();
  writeFileSync(path.join(dbDir, '.db-root-password'), oldPassword + '\n', { mode: 0o600 });
  old.kill('SIGTERM');
  await oldExited;

  const db = await started(dir);
  const rows = await query<UserRow>(db.adminUrl('mysql'), USERS);
  assert.deepEqual(rows.map((r) => `${r.user}@${r.host}`), ['glance@localhost', 'mariadb.sys@localhost', 'root@localhost']);
  await assertNoUsablePasswordlessAccount(db.adminUrl('mysql'));
  assert.match(db.adminUrl(), new RegExp(`root:${oldPassword}@`), 'the operator keeps the root password they had');
  assert.deepEqual(await query(db.appUrl(), 'select 1 as one'), [{ one: 1 }]);

  // Idempotent: a second start changes nothing.
  await db.stop();
  await db.start();
  const again = await query<UserRow>(db.adminUrl('mysql'), USERS);
  assert.deepEqual(again, rows);
});
