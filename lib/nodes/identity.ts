// Who this server process is among the nodes that share one database: a new
// id on every start (an incarnation), a name that stays the same across
// restarts (worker_self_reference_url, else host:bind_port), and the host
// on which its pid means something, so a restart can tell that the process
// before it is gone.
import { randomUUID } from 'node:crypto';
import { readFileSync, readlinkSync } from 'node:fs';
import os from 'node:os';
import { getConfig } from '@/lib/config';

export interface NodeSelf {
  id: string;
  name: string;
  url: string | null;
  host: string | null;
  pid: number;
  intervalMs: number;
}

/** A node silent for this many of its heartbeat intervals is taken as dead. */
export const MISSED_BEATS = 4;

/**
 * Hostname, boot id and pid namespace: two processes with the same value see
 * the same pids, so a pid that is gone there is a process that is gone. Null
 * where the kernel does not tell (not Linux).
 */
export function hostKey(): string | null {
  try {
    const boot = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    const pidNamespace = readlinkSync('/proc/self/ns/pid');
    return `${os.hostname()}/${boot}/${pidNamespace}`;
  } catch {
    return null;
  }
}

// On globalThis: instrumentation and the route bundles are separate module instances.
const processGlobals = globalThis as unknown as { glanceNodeSelf?: NodeSelf };

export function thisNode(): NodeSelf {
  if (!processGlobals.glanceNodeSelf) {
    const config = getConfig();
    processGlobals.glanceNodeSelf = {
      id: randomUUID(),
      name: config.workerSelfReferenceUrl ?? `${os.hostname()}:${config.bindPort}`,
      url: config.workerSelfReferenceUrl,
      host: hostKey(),
      pid: process.pid,
      intervalMs: config.nodeHeartbeatInterval * 1000,
    };
  }
  return processGlobals.glanceNodeSelf;
}

