// The console's session key (next-auth's secret): NEXTAUTH_SECRET when set,
// else one kept in the database, generated once by whichever node needs it
// first (INSERT IGNORE: concurrent first starts agree on one), so a session
// signed in on one node is valid on every node.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { getConfig } from '@/lib/config';
import { db } from '@/lib/db/client';

const NAME = 'console_session_key';

const processGlobals = globalThis as unknown as { glanceConsoleSecret?: Promise<string> };

export function consoleSecret(): Promise<string> {
  if (process.env.NEXTAUTH_SECRET) return Promise.resolve(process.env.NEXTAUTH_SECRET);
  processGlobals.glanceConsoleSecret ??= loadOrCreate().catch((err) => {
    processGlobals.glanceConsoleSecret = undefined; // the database may answer next time
    throw err;
  });
  return processGlobals.glanceConsoleSecret;
}

async function loadOrCreate(): Promise<string> {
  // The key earlier versions kept in the data directory: sessions signed with it stay valid.
  const legacy = path.join(/*turbopackIgnore: true*/ getConfig().dataDir, 'console-secret');
  const candidate = existsSync(/*turbopackIgnore: true*/ legacy)
    ? readFileSync(/*turbopackIgnore: true*/ legacy, 'utf8').trim()
    : randomBytes(32).toString('base64url');
  await db().$executeRaw`INSERT IGNORE INTO service_secrets (name, value, created_at) VALUES (${NAME}, ${candidate}, NOW(3))`;
  return (await db().serviceSecret.findUniqueOrThrow({ where: { name: NAME } })).value;
}
