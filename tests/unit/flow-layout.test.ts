// The status-flow diagram's layout (ELK), checked as a drawing in both
// directions: no two states overlap, no edge crosses a state, every edge is
// labeled on its own line (the many "delete" edges by one note beside their
// target), no label covers a state or another label or sits on another edge,
// no two edges run along one line, and the layers run the way asked.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { groupLabel, groupsOf, layoutFlow, wrapLabel, type TableEdge } from '../../lib/console/flow-layout';
import type { Box, FlowDirection, FlowLayout } from '../../lib/console/flow-types';
import { labelFaults, sharedRuns } from '../helpers/flow-geometry';
import { EDGES, IMAGE_STATUSES } from '../../lib/images/state-machine';

const overlap = (a: Box, b: Box) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
/** The box shrunk by 1 px: touching a border (where an edge starts or ends) is not crossing. */
const inner = (b: Box): Box => ({ x: b.x + 1, y: b.y + 1, width: b.width - 2, height: b.height - 2 });
/** An orthogonal segment as a zero-width box. */
const segment = ([x1, y1]: [number, number], [x2, y2]: [number, number]): Box => ({ x: Math.min(x1, x2), y: Math.min(y1, y2), width: Math.abs(x2 - x1) || 0.01, height: Math.abs(y2 - y1) || 0.01 });

function checkDrawing(states: readonly string[], table: readonly TableEdge[], l: FlowLayout) {
  assert.deepEqual(l.nodes.map((n) => n.id).sort(), [...states].sort());
  const node = new Map(l.nodes.map((n) => [n.id, n]));
  for (const a of l.nodes) {
    assert.ok(a.x >= 0 && a.y >= 0 && a.x + a.width <= l.width && a.y + a.height <= l.height, `${a.id} inside the drawing`);
    for (const b of l.nodes) if (a !== b) assert.ok(!overlap(a, b), `${a.id} overlaps ${b.id}`);
  }
  // Exactly the table's edges, each routed orthogonally from its source's border to its target's, crossing no state.
  assert.deepEqual(l.edges.map((e) => e.id).sort(), table.map((e) => `${e.from}>${e.to}`).sort());
  for (const e of l.edges) {
    assert.ok(e.points.length >= 2, e.id);
    for (let i = 1; i < e.points.length; i++) {
      const [a, b] = [e.points[i - 1], e.points[i]];
      assert.ok(a[0] === b[0] || a[1] === b[1], `${e.id}: segment ${a}–${b} is not orthogonal`);
      for (const n of l.nodes) {
        if (n.id === e.from || n.id === e.to) continue;
        assert.ok(!overlap(segment(a, b), inner(n)), `${e.id} crosses ${n.id}`);
      }
    }
    for (const [end, id] of [[e.points[0], e.from], [e.points[e.points.length - 1], e.to]] as const) {
      const n = node.get(id)!;
      const onBorder = end[0] >= n.x - 0.5 && end[0] <= n.x + n.width + 0.5 && end[1] >= n.y - 0.5 && end[1] <= n.y + n.height + 0.5 && !overlap(segment(end, end), inner(n));
      assert.ok(onBorder, `${e.id} ends at ${end}, on ${id}'s border`);
    }
  }
  // Every edge labeled: its own label, or its bundle's one note, beside the bundle's target.
  const groups = groupsOf(table);
  for (const e of l.edges) {
    assert.equal(!!e.group, groups.has(`${e.label}>${e.to}`), e.id);
    if (e.group) {
      assert.equal(e.labelBox, null, `${e.id} is labeled by its bundle's note`);
      const notes = l.notes.filter((n) => n.group === e.group);
      assert.equal(notes.length, 1, `${e.group} has one note`);
      assert.equal(notes[0].lines.join(' '), groupLabel(e.label));
      assert.equal(notes[0].at, e.to);
    } else {
      assert.ok(e.labelBox, `${e.id} has a label`);
      assert.equal(e.labelBox.lines.join(' '), e.label);
    }
  }
  // Labels cover no state and no other label, and lie inside the drawing; each sits on its own edge and on no other.
  const boxes = [...l.edges.flatMap((e) => (e.labelBox ? [{ id: e.id, ...e.labelBox }] : [])), ...l.notes.map((n) => ({ id: n.group, ...n }))];
  for (const b of boxes) {
    assert.ok(b.x >= 0 && b.y >= 0 && b.x + b.width <= l.width && b.y + b.height <= l.height, `${b.id}'s label inside the drawing`);
    for (const n of l.nodes) assert.ok(!overlap(b, n), `${b.id}'s label covers ${n.id}`);
    for (const o of boxes) if (o !== b) assert.ok(!overlap(b, o), `${b.id}'s label covers ${o.id}'s`);
  }
  for (const e of l.edges) if (e.labelBox) assert.deepEqual(labelFaults({ ...e.labelBox, for: e.id }, l.edges), []);
  for (const n of l.notes) assert.deepEqual(labelFaults({ ...n, for: n.group }, l.edges).filter((f) => f.includes('runs through')), [], 'no edge runs through a note');
  // Each edge its own line: a label between two parallel lines could belong to either.
  assert.deepEqual(sharedRuns(l.edges), []);
}

for (const direction of ['RIGHT', 'DOWN'] as FlowDirection[]) {
  test(`Glance's state table, ${direction}: no overlaps, no edge through a state, every edge labeled`, async () => {
    const l = await layoutFlow(IMAGE_STATUSES, EDGES, direction);
    assert.equal(l.direction, direction);
    checkDrawing(IMAGE_STATUSES, EDGES, l);
    // The seven "delete" edges are one bundle into deleted, with one note.
    const deletes = l.edges.filter((e) => e.group === 'delete>deleted');
    assert.equal(deletes.length, 7);
    assert.deepEqual(l.notes.map((n) => [n.at, n.lines.join(' ')]), [['deleted', 'delete (from any state)']]);
    // The layers run the way asked: queued first, active after it, deleted last.
    const pos = new Map(l.nodes.map((n) => [n.id, direction === 'RIGHT' ? n.x : n.y]));
    assert.ok(pos.get('queued')! < pos.get('active')! && pos.get('active')! < pos.get('deleted')!, JSON.stringify([...pos]));
    for (const s of IMAGE_STATUSES) if (s !== 'deleted') assert.ok(pos.get(s)! < pos.get('deleted')!, `${s} before deleted`);
    if (direction === 'RIGHT') {
      assert.ok(l.width > l.height, `wide: ${l.width}x${l.height}`);
      assert.ok(l.width <= 1280, `about the width of a 1280 px screen: ${l.width}`);
    } else {
      assert.ok(l.height > l.width, `tall: ${l.width}x${l.height}`);
      // A 390 px phone shows ~360 px: at most 20 % smaller, its 12 px labels stay readable.
      assert.ok(l.width <= 450, `fits a phone: ${l.width}`);
    }
  });
}

test('a small table with a bundle and a cycle draws both ways', async () => {
  const states = ['a', 'b', 'c', 'd', 'gone'];
  const table: TableEdge[] = [
    { from: 'a', to: 'b', label: 'go' },
    { from: 'b', to: 'c', label: 'go on' },
    { from: 'c', to: 'a', label: 'start over' },
    { from: 'c', to: 'd', label: 'finish' },
    ...['a', 'b', 'c', 'd'].map((from) => ({ from, to: 'gone', label: 'remove' })),
  ];
  for (const direction of ['RIGHT', 'DOWN'] as const) checkDrawing(states, table, await layoutFlow(states, table, direction));
});

test('groups: three or more edges with one label into one state; labels wrap at words', () => {
  const g = groupsOf([
    { from: 'a', to: 'x', label: 'del' },
    { from: 'b', to: 'x', label: 'del' },
    { from: 'a', to: 'y', label: 'go' },
    { from: 'b', to: 'y', label: 'go' },
    { from: 'c', to: 'y', label: 'go' },
  ]);
  assert.deepEqual([...g.keys()], ['go>y']);
  assert.deepEqual(wrapLabel('upload failed, restart repair'), ['upload', 'failed,', 'restart', 'repair']);
  assert.deepEqual(wrapLabel('delete (from any state)'), ['delete', '(from', 'any', 'state)']);
  assert.deepEqual(wrapLabel('import'), ['import']);
  assert.deepEqual(wrapLabel('upload started', 20), ['upload started']);
});

test("the table's labels speak the issue's vocabulary of actions", () => {
  const labels = new Set(EDGES.flatMap((e) => e.label.split(', ')));
  for (const action of ['upload started', 'upload finished', 'upload failed', 'stage', 'import', 'import failed', 'deactivate', 'reactivate', 'delete', 'delayed delete', 'scrub', 'restore', 'restart repair']) {
    assert.ok(labels.has(action), `an edge is labeled “${action}”`);
  }
});

test('the checks bite: a state moved onto a route, or a label onto a state, is reported', async () => {
  const l = await layoutFlow(IMAGE_STATUSES, EDGES, 'RIGHT');
  const copy = (): FlowLayout => JSON.parse(JSON.stringify(l));
  const crossed = copy();
  const route = crossed.edges.find((e) => e.id === 'queued>active')!;
  const [[x1, y1], [x2, y2]] = route.points.slice(1, 3);
  const killed = crossed.nodes.find((n) => n.id === 'killed')!;
  Object.assign(killed, { x: (x1 + x2) / 2 - killed.width / 2, y: (y1 + y2) / 2 - killed.height / 2 });
  assert.throws(() => checkDrawing(IMAGE_STATUSES, EDGES, crossed), /crosses killed|overlaps|covers killed/);
  const covered = copy();
  const label = covered.edges.find((e) => e.id === 'active>deactivated')!.labelBox!;
  const active = covered.nodes.find((n) => n.id === 'active')!;
  Object.assign(label, { x: active.x + 2, y: active.y + 2 });
  assert.throws(() => checkDrawing(IMAGE_STATUSES, EDGES, covered), /label covers active/);
  // A label moved off its edge, into empty space beside the drawing's border.
  const adrift = copy();
  Object.assign(adrift.edges.find((e) => e.id === 'active>deactivated')!.labelBox!, { x: 0, y: 0 });
  assert.throws(() => checkDrawing(IMAGE_STATUSES, EDGES, adrift), /active>deactivated.*off its edge/);
  // Two edges on one line: one edge's route laid along another's, as merged edges were (crossing alone is fine).
  const [importing, failing] = ['queued>importing', 'importing>queued'].map((id) => copy().edges.find((e) => e.id === id)!);
  assert.deepEqual(sharedRuns([importing, failing]), []);
  const along = { ...failing, points: importing.points.map(([x, y]) => [x + 0.5, y] as [number, number]) };
  assert.match(sharedRuns([importing, along]).join(), /queued>importing and importing>queued share \d+ px/);
  const across = { ...failing, points: [[importing.points[0][0] + 5, importing.points[0][1] - 20], [importing.points[0][0] + 5, importing.points[0][1] + 20]] as [number, number][] };
  assert.deepEqual(sharedRuns([importing, across]), []);
});
