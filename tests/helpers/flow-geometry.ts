// Geometry of a drawn status flow, for the tests that read it as a person
// would: does each label sit on its own edge (and on no other), do two edges
// ever run along one line? Works on the layout's numbers or on the SVG's.
type Point = [number, number];
export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}
export interface DrawnEdge {
  id: string;
  group: string | null;
  points: Point[];
}

/** Closer than this (px) counts as the same line. */
const TOUCH = 1;

const pairs = (points: Point[]) => points.slice(1).map((b, i) => [points[i], b] as const);

/** Does the segment a–b pass through the rectangle grown by `grow` px on each side? */
function crosses([a, b]: readonly [Point, Point], r: Rect, grow: number): boolean {
  const [x1, x2] = [Math.min(a[0], b[0]), Math.max(a[0], b[0])];
  const [y1, y2] = [Math.min(a[1], b[1]), Math.max(a[1], b[1])];
  return x1 <= r.x + r.width + grow && x2 >= r.x - grow && y1 <= r.y + r.height + grow && y2 >= r.y - grow;
}

/** The path "M x,y L x,y …" the console draws, as points. */
export const pathPoints = (d: string): Point[] => [...d.matchAll(/(-?[\d.]+),(-?[\d.]+)/g)].map((m) => [Number(m[1]), Number(m[2])]);

/** Pairs of edges that run along one line for more than TOUCH px (edges of one bundle may: they share a trunk). */
export function sharedRuns(edges: DrawnEdge[]): string[] {
  const found: string[] = [];
  for (const [i, e] of edges.entries()) {
    for (const f of edges.slice(i + 1)) {
      if (e.group && e.group === f.group) continue;
      for (const s of pairs(e.points)) {
        for (const t of pairs(f.points)) {
          const run = overlapOf(s, t);
          if (run > TOUCH) found.push(`${e.id} and ${f.id} share ${run.toFixed(0)} px near ${s[0]}`);
        }
      }
    }
  }
  return found;
}

/** How long two orthogonal segments lie on one line (0 unless collinear). */
function overlapOf([a, b]: readonly [Point, Point], [c, d]: readonly [Point, Point]): number {
  for (const k of [0, 1]) {
    const o = 1 - k; // along the other axis
    const flat = Math.abs(a[k] - b[k]) < 0.01 && Math.abs(c[k] - d[k]) < 0.01;
    if (flat && Math.abs(a[k] - c[k]) <= TOUCH) {
      const lo = Math.max(Math.min(a[o], b[o]), Math.min(c[o], d[o]));
      const hi = Math.min(Math.max(a[o], b[o]), Math.max(c[o], d[o]));
      if (hi - lo > 0) return hi - lo;
    }
  }
  return 0;
}

/** The label's faults: not on its own edge, or crossed by another edge (whose line would seem to be labelled by it). */
export function labelFaults(label: Rect & { for: string }, edges: DrawnEdge[]): string[] {
  const faults: string[] = [];
  const own = edges.find((e) => e.id === label.for);
  if (!own || !pairs(own.points).some((s) => crosses(s, label, TOUCH))) faults.push(`“${label.for}”'s label is off its edge`);
  for (const e of edges) {
    if (e !== own && pairs(e.points).some((s) => crosses(s, label, -TOUCH))) faults.push(`${e.id} runs through ${label.for}'s label`);
  }
  return faults;
}
