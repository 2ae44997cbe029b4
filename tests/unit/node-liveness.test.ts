// Which nodes a node takes as dead: a stale heartbeat always; at start-up
// also its own earlier runs (the same name, or a process on this host that
// is gone), so a restart repairs them at once and never a live node's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { deadNodes, namesakes, processGone } from '../../lib/nodes/liveness';
import type { NodeSelf } from '../../lib/nodes/identity';
import type { NodeRow } from '../../lib/nodes/registry';

const self: NodeSelf = { id: 'me', name: 'http://10.0.0.11:9292', url: 'http://10.0.0.11:9292', host: 'api1/boot-1/pid:[1]', pid: process.pid, intervalMs: 5000 };
/** A pid that certainly ran and is gone: a child that has exited. */
const goneChildPid = spawnSync('true').pid!;
const row = (over: Partial<NodeRow>): NodeRow => ({ id: 'x', name: 'http://10.0.0.12:9292', url: 'http://10.0.0.12:9292', host: 'api2/boot-9/pid:[1]', pid: 4242, stale: false, ...over });

test('processGone: only on the same host (name, boot, pid namespace), and only when that pid no longer runs or is ours', () => {
  assert.equal(processGone(self.host, goneChildPid, self), true);
  assert.equal(processGone(self.host, process.pid, self), true, 'our own pid: the earlier run was us before a restart (a container)');
  assert.equal(processGone(self.host, process.ppid, self), false, 'a process that runs');
  assert.equal(processGone('api2/boot-9/pid:[1]', goneChildPid, self), false, 'another host\'s pids mean nothing here');
  assert.equal(processGone(null, goneChildPid, self), false);
  assert.equal(processGone(self.host, goneChildPid, { ...self, host: null }), false, 'no host key: nothing is known');
});

test('periodically, only a stale heartbeat makes a node dead', () => {
  const nodes = [
    row({ id: 'live' }),
    row({ id: 'stale', stale: true }),
    row({ id: 'my-name', name: self.name }),
    row({ id: 'gone-here', host: self.host, pid: goneChildPid }),
  ];
  assert.deepEqual(deadNodes(nodes, 'periodic', self).map((n) => n.id), ['stale']);
});

test('at start-up, also this node\'s earlier runs: the same name, or a process on this host that is gone', () => {
  const nodes = [
    row({ id: 'live' }),
    row({ id: 'stale', stale: true }),
    row({ id: 'my-name', name: self.name }),
    row({ id: 'gone-here', host: self.host, pid: goneChildPid }),
    row({ id: 'running-here', host: self.host, pid: process.ppid }),
    row({ id: 'elsewhere-same-pid', pid: goneChildPid }),
  ];
  assert.deepEqual(deadNodes(nodes, 'startup', self).map((n) => n.id), ['stale', 'my-name', 'gone-here']);
});

test('namesakes: a live process elsewhere with this name is reported; a gone or stale one is not', () => {
  const nodes = [
    row({ id: 'twin', name: self.name }),
    row({ id: 'stale-twin', name: self.name, stale: true }),
    row({ id: 'earlier-run', name: self.name, host: self.host, pid: goneChildPid }),
    row({ id: 'other' }),
  ];
  assert.deepEqual(namesakes(nodes, self).map((n) => n.id), ['twin']);
});
