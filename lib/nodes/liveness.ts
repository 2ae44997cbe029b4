// Which nodes are dead, in the eyes of this one: pure rules over the rows of
// service_nodes (see registry.ts) and this node's own identity.
import type { NodeSelf } from './identity';
import type { NodeRow } from './registry';

export type RepairMode = 'startup' | 'periodic';

/** Is the process a node row names certainly gone (same host, and its pid no longer runs or is ours now)? */
export function processGone(host: string | null, pid: number, self: NodeSelf): boolean {
  if (host === null || host !== self.host) return false;
  if (pid === self.pid) return true;
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/**
 * The nodes taken as dead: a stale heartbeat; at start-up also this node's
 * earlier runs, known by the same name or by a process on this host that no
 * longer exists (a restart need not wait for the heartbeat to go stale).
 */
export function deadNodes(nodes: NodeRow[], mode: RepairMode, self: NodeSelf): NodeRow[] {
  return nodes.filter((n) => n.stale || (mode === 'startup' && (n.name === self.name || processGone(n.host, n.pid, self))));
}

/** A live node with this node's name: two processes would repair each other's uploads on every restart. */
export function namesakes(nodes: NodeRow[], self: NodeSelf): NodeRow[] {
  return nodes.filter((n) => n.name === self.name && !n.stale && !processGone(n.host, n.pid, self));
}
