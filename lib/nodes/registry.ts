// service_nodes: one row per running server process, its heartbeat written
// and judged by the database's clock (NOW(3)), so clocks of the machines
// running the nodes do not matter.
import { db } from '@/lib/db/client';
import { MISSED_BEATS, type NodeSelf } from './identity';

export interface NodeRow {
  id: string;
  name: string;
  url: string | null;
  host: string | null;
  pid: number;
  /** No heartbeat for MISSED_BEATS of its own intervals. */
  stale: boolean;
}

/** Write this node's row, or refresh its heartbeat (a row removed meanwhile is written again). */
export async function beat(self: NodeSelf): Promise<void> {
  await db().$executeRaw`
    INSERT INTO service_nodes (id, name, url, host, pid, interval_ms, started_at, heartbeat_at)
    VALUES (${self.id}, ${self.name}, ${self.url}, ${self.host}, ${self.pid}, ${self.intervalMs}, NOW(3), NOW(3))
    ON DUPLICATE KEY UPDATE heartbeat_at = NOW(3)`;
}

/** Every node but this one, with whether it stopped beating. */
export async function otherNodes(self: NodeSelf): Promise<NodeRow[]> {
  const rows = await db().$queryRaw<{ id: string; name: string; url: string | null; host: string | null; pid: number | bigint; stale: number | bigint }[]>`
    SELECT id, name, url, host, pid,
           heartbeat_at < NOW(3) - INTERVAL (interval_ms * ${MISSED_BEATS * 1000}) MICROSECOND AS stale
    FROM service_nodes WHERE id <> ${self.id}`;
  return rows.map((r) => ({ id: r.id, name: r.name, url: r.url, host: r.host, pid: Number(r.pid), stale: Number(r.stale) === 1 }));
}

export async function forgetNode(id: string): Promise<void> {
  await db().$executeRaw`DELETE FROM service_nodes WHERE id = ${id}`;
}

