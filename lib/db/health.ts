// Is the database answering? For /healthcheck, which a supervisor or a load
// balancer polls; bounded by the pool's timeout (lib/db/url.ts).
import { db } from './client';
import { isDatabaseUnavailable } from './unavailable';

export async function databaseReachable(): Promise<boolean> {
  try {
    await db().$queryRaw`SELECT 1`;
    return true;
  } catch (err) {
    if (isDatabaseUnavailable(err)) return false;
    throw err;
  }
}
