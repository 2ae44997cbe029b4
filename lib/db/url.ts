// DATABASE_URL (Prisma's mysql://user:pass@host:port/db?socket=...) as mariadb pool settings.
import type { PoolConfig } from 'mariadb';

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
    // Glance's columns are DATETIME in UTC; keep the driver from shifting them.
    timezone: 'Z',
    ...extra,
  };
}

export function databaseName(url: string): string {
  return decodeURIComponent(new URL(url).pathname.replace(/^\//, '')) || 'glance';
}
