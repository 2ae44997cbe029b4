// The one Prisma client of the server process, over @prisma/adapter-mariadb.
import { PrismaMariaDb } from '@prisma/adapter-mariadb';
import * as mariadb from 'mariadb';
import { PrismaClient } from '@/lib/generated/prisma/client';
import { getConfig } from '@/lib/config';
import { Reachability } from './reachability';
import { poolConfigFromUrl, poolTimeoutMs, databaseName } from './url';

export type Db = InstanceType<typeof PrismaClient>;

const globalForPrisma = globalThis as unknown as { glancePrisma?: Db };

export function createDb(url: string): Db {
  // prepareCacheLength 0: what the adapter sets on pools it creates itself.
  const config = poolConfigFromUrl(url, { prepareCacheLength: 0 });
  const pool = new Reachability(config).guard(mariadb.createPool(config));
  const adapter = new PrismaMariaDb(pool, { database: databaseName(url) });
  // A transaction waits for its connection no longer than a query does.
  return new PrismaClient({ adapter, transactionOptions: { maxWait: poolTimeoutMs(url), timeout: 5000 } });
}

/** Lazily created so that `next build` never needs a database. */
export function db(): Db {
  if (!globalForPrisma.glancePrisma) {
    const url = getConfig().databaseUrl;
    if (!url) throw new Error('DATABASE_URL is not set: start the service with `npm start`, which provides one');
    globalForPrisma.glancePrisma = createDb(url);
  }
  return globalForPrisma.glancePrisma;
}
