// GET/HEAD /healthcheck as oslo.middleware's healthcheck answers it in
// Glance's pipeline (no authentication): 200 "OK" (HEAD: 204) while the
// database answers, 503 when it does not.
import { databaseReachable } from '@/lib/db/health';

export const dynamic = 'force-dynamic';

const PLAIN = { 'Content-Type': 'text/plain; charset=UTF-8', 'Cache-Control': 'no-store' };

export async function GET(): Promise<Response> {
  const healthy = await databaseReachable();
  return new Response(healthy ? 'OK' : 'DATABASE UNAVAILABLE', { status: healthy ? 200 : 503, headers: PLAIN });
}

export async function HEAD(): Promise<Response> {
  const healthy = await databaseReachable();
  return new Response(null, { status: healthy ? 204 : 503, headers: PLAIN });
}
