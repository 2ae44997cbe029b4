// DATABASE_URL (Prisma's mysql://user:pass@host:port/db?socket=...) as mariadb pool settings.
import type { PoolConfig } from 'mariadb';

/**
 * How long a request waits for a database connection (Prisma's `pool_timeout`,
 * seconds) and for a new connection to open (`connect_timeout`). Once a probe
 * finds the database down, requests do not wait at all (reachability.ts):
 * this bound is for a busy database and for requests caught as it goes down.
 */
const DEFAULT_POOL_TIMEOUT_S = 5;
const DEFAULT_CONNECT_TIMEOUT_S = 5; // Prisma's default

function seconds(u: URL, name: string, fallback: number): number {
  const raw = u.searchParams.get(name);
  const v = raw === null ? NaN : Number(raw);
  return Number.isFinite(v) && v > 0 ? v : fallback;
}

/** Milliseconds a request may wait for a connection (also a transaction's maxWait). */
export function poolTimeoutMs(url: string): number {
  return Math.round(seconds(new URL(url), 'pool_timeout', DEFAULT_POOL_TIMEOUT_S) * 1000);
}

export function poolConfigFromUrl(url: string, extra: Partial<PoolConfig> = {}): PoolConfig {
  const u = new URL(url);
  if (!/^(mysql|mariadb):$/.test(u.protocol)) throw new Error(`DATABASE_URL must be mysql://..., got ${u.protocol}`);
  const socket = u.searchParams.get('socket') ?? u.searchParams.get('socketPath') ?? undefined;
  return {
    host: u.hostname || '127.0.0.1',
    port: u.port ? Number(u.port) : 3306,
    user: decodeURIComponent(u.username || 'root'),
    password: decodeURIComponent(u.password || ''),
    database: decodeURIComponent(u.pathname.replace(/^\//, '')) || undefined,
    socketPath: socket,
    connectionLimit: Number(u.searchParams.get('connection_limit') ?? 10),
    acquireTimeout: poolTimeoutMs(url),
    connectTimeout: Math.round(seconds(u, 'connect_timeout', DEFAULT_CONNECT_TIMEOUT_S) * 1000),
    // Glance's columns are DATETIME in UTC; keep the driver from shifting them.
    timezone: 'Z',
    ...extra,
  };
}

export function databaseName(url: string): string {
  return decodeURIComponent(new URL(url).pathname.replace(/^\//, '')) || 'glance';
}
