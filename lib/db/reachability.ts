// Whether the database accepts connections, as a probe last found. While it
// does not, queries fail at once (503) instead of each waiting out the pool's
// timeout, which can then stay long enough for a busy but healthy database.
// A probe runs when a connection breaks or cannot be had, and every 500 ms
// while the database is down; the first success lets requests through again.
import * as mariadb from 'mariadb';
import type { Pool, PoolConfig } from 'mariadb';
import { logger } from '@/lib/log';
import { isStopping } from '@/lib/runtime/stopping';
import { isDatabaseUnavailable } from './unavailable';

const PROBE_EVERY_MS = 500;

/** What the pool's own "no connection" looks like, so the Prisma adapter and isDatabaseUnavailable() know it. */
class DatabaseDown extends Error {
  readonly errno = 45028; // ER_GET_CONNECTION_TIMEOUT
  readonly code = 'ER_GET_CONNECTION_TIMEOUT';
  readonly sqlState = 'HY000';
  readonly sqlMessage = 'the database is not accepting connections';
  readonly fatal = true;
  constructor() {
    super('the database is not accepting connections');
  }
}

/** The driver's "no answer within connectTimeout" (ER_CONNECTION_TIMEOUT). */
function isConnectTimeout(err: unknown): boolean {
  const e = err as { code?: string; errno?: number };
  return e?.code === 'ER_CONNECTION_TIMEOUT' || e?.errno === 45012;
}

export class Reachability {
  private down = false;
  private probing = false;

  constructor(private readonly config: PoolConfig) {}

  get isDown(): boolean {
    return this.down;
  }

  /** A connection broke or could not be had: find out whether new ones are accepted. */
  check(): void {
    if (this.probing) return;
    this.probing = true;
    void this.probe().finally(() => {
      this.probing = false;
      if (this.down) setTimeout(() => this.check(), PROBE_EVERY_MS).unref();
    });
  }

  private async probe(): Promise<void> {
    const wasDown = this.down;
    try {
      const conn = await mariadb.createConnection(this.config);
      await conn.end().catch(() => conn.destroy());
      this.down = false;
    } catch (err) {
      // Refused: down. A connect that only timed out is a busy database, not a dead one:
      // requests keep waiting their pool_timeout rather than failing fast. Anything else
      // (a wrong password) is for the queries to report.
      this.down = isDatabaseUnavailable(err) && !isConnectTimeout(err);
    }
    if (this.down && isStopping()) return; // the server is stopping its own database
    if (this.down !== wasDown) logger[this.down ? 'error' : 'info'](this.down ? 'database unreachable: answering 503' : 'database reachable again');
  }

  /**
   * The pool as the Prisma adapter uses it (query, execute, getConnection,
   * end), refusing at once while the database is known to be down, and
   * probing when a connection fails.
   */
  guard(pool: Pool): Pool {
    pool.on('connection', (conn) => conn.on('error', () => this.check()));
    // The pool emits 'error' when it gives up creating connections (undeclared in
    // its types); unheard, that would be an uncaught exception.
    (pool as unknown as NodeJS.EventEmitter).on('error', () => this.check());
    const guarded = <T>(run: () => Promise<T>): Promise<T> => {
      if (this.down) return Promise.reject(new DatabaseDown());
      return run().catch((err: unknown) => {
        if (isDatabaseUnavailable(err)) this.check();
        throw err;
      });
    };
    const facade = {
      getConnection: () => guarded(() => pool.getConnection()),
      query: (...args: Parameters<Pool['query']>) => guarded(() => pool.query(...args)),
      execute: (...args: Parameters<Pool['execute']>) => guarded(() => pool.execute(...args)),
      end: () => pool.end(),
    };
    return facade as unknown as Pool;
  }
}
