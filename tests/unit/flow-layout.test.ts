// The status-flow diagram's layout, checked as a drawing: no two states share
// a cell, every transition of the table is an edge, forward edges run left
// to right and only cycle-closing edges are drawn as back arcs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { layoutFlow, tracedPath } from '../../lib/console/flow-layout';
import { IMAGE_STATUSES, TRANSITIONS } from '../../lib/images/state-machine';

type Table = Record<string, readonly string[]>;

function checkDrawing(states: readonly string[], transitions: Table, start = states[0]) {
  const { nodes, edges, columns, rows } = layoutFlow(states, transitions, start);
  // One node per state, in distinct cells inside the grid.
  assert.deepEqual(nodes.map((n) => n.id).sort(), [...states].sort());
  const cells = new Set(nodes.map((n) => `${n.column},${n.row}`));
  assert.equal(cells.size, nodes.length, 'two states share a cell');
  for (const n of nodes) {
    assert.ok(Number.isInteger(n.column) && n.column >= 0 && n.column < columns, `${n.id} column ${n.column}`);
    assert.ok(Number.isInteger(n.row) && n.row >= 0 && n.row < rows, `${n.id} row ${n.row}`);
  }
  // Exactly the table's transitions, each once.
  const want = Object.entries(transitions).flatMap(([from, tos]) => tos.map((to) => `${from}>${to}`)).sort();
  assert.deepEqual(edges.map((e) => `${e.from}>${e.to}`).sort(), want);
  const column = new Map(nodes.map((n) => [n.id, n.column]));
  for (const e of edges) assert.equal(e.back, column.get(e.to)! <= column.get(e.from)!, `${e.from}>${e.to}`);
  // The forward edges alone form no cycle (they all go strictly right), and the back ones close cycles.
  for (const e of edges.filter((x) => x.back)) assert.ok(reaches(transitions, e.to, e.from), `${e.from}>${e.to} is drawn back but closes no cycle`);
  assert.equal(column.get(start), 0);
  return { nodes, edges, columns, rows, column };
}

function reaches(t: Table, from: string, to: string): boolean {
  const seen = new Set([from]);
  const todo = [from];
  while (todo.length) {
    const s = todo.pop()!;
    if (s === to) return true;
    for (const n of t[s] ?? []) if (!seen.has(n)) seen.add(n), todo.push(n);
  }
  return false;
}

test("Glance's state table draws without overlaps, with every transition", () => {
  const { column, columns, edges } = checkDrawing(IMAGE_STATUSES, TRANSITIONS);
  // queued starts on the left, deleted (reachable from everything) ends on the right.
  assert.equal(column.get('queued'), 0);
  assert.equal(column.get('deleted'), columns - 1);
  // The restore-to-queued edges are drawn as back arcs.
  for (const s of ['saving', 'uploading', 'importing']) assert.ok(edges.find((e) => e.from === s && e.to === 'queued')!.back, s);
  assert.ok(!edges.find((e) => e.from === 'queued' && e.to === 'saving')!.back);
});

test('a chain is laid out in one row, one column per step', () => {
  const { nodes, columns, rows } = checkDrawing(['a', 'b', 'c'], { a: ['b'], b: ['c'], c: [] });
  assert.deepEqual(nodes, [
    { id: 'a', column: 0, row: 0 },
    { id: 'b', column: 1, row: 0 },
    { id: 'c', column: 2, row: 0 },
  ]);
  assert.equal(columns, 3);
  assert.equal(rows, 1);
});

test('a state reached by a short and a long path sits after the long one', () => {
  const { column } = checkDrawing(['a', 'b', 'c', 'd'], { a: ['b', 'd'], b: ['c'], c: ['d'], d: [] });
  assert.equal(column.get('d'), 3);
});

test('siblings stack in table order within their column', () => {
  const { nodes, rows } = checkDrawing(['a', 'x', 'y', 'z'], { a: ['z', 'x', 'y'], x: [], y: [], z: [] });
  assert.deepEqual(nodes.filter((n) => n.column === 1).map((n) => [n.id, n.row]), [['x', 0], ['y', 1], ['z', 2]]);
  assert.equal(rows, 3);
});

test('cycles, self-loops and states unreachable from the start still draw', () => {
  checkDrawing(['a', 'b', 'c'], { a: ['b'], b: ['c', 'a'], c: ['a'] });
  const { edges } = checkDrawing(['a', 'b'], { a: ['a', 'b'], b: [] });
  assert.ok(edges.find((e) => e.from === 'a' && e.to === 'a')!.back);
  checkDrawing(['a', 'b', 'orphan', 'orphan2'], { a: ['b'], b: [], orphan: ['orphan2', 'b'], orphan2: [] });
});

test("an image's traced path: the states it went through and the transitions taken, oldest first", () => {
  const traced = tracedPath([
    { from: null, to: 'queued' },
    { from: 'queued', to: 'saving' },
    { from: 'saving', to: 'queued' },
    { from: null, to: null },
    { from: 'queued', to: 'saving' },
    { from: 'saving', to: 'active' },
    { from: 'active', to: 'active' },
  ]);
  assert.deepEqual(traced.states, ['queued', 'saving', 'active']);
  assert.deepEqual(traced.edges, ['queued>saving', 'saving>queued', 'queued>saving', 'saving>active']);
  assert.deepEqual(traced.failed, []);
  assert.deepEqual(tracedPath([]), { states: [], edges: [], failed: [] });
});

test('a failed import is traced as a failure, the import it retried with as a plain transition', () => {
  const traced = tracedPath([
    { from: null, to: 'queued', action: 'created' },
    { from: 'queued', to: 'importing', action: 'import_started' },
    { from: 'importing', to: 'queued', action: 'import_failed' },
    { from: 'queued', to: 'importing', action: 'import_started' },
    { from: 'importing', to: 'active', action: 'imported' },
  ]);
  assert.deepEqual(traced.failed, ['importing>queued']);
  assert.deepEqual(traced.states, ['queued', 'importing', 'active']);
});
