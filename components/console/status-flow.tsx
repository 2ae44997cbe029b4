'use client';
// The status-flow diagram: the server's transition table drawn as a graph,
// with live counts per state; on an image's page its current state is
// highlighted and the transitions it went through are traced.
import { useQuery } from '@tanstack/react-query';
import { layoutFlow, tracedPath } from '@/lib/console/flow-layout';
import { api, TRANSIENT, type StatusFlow, type TimelineEntry } from './api';

const W = 128;
const H = 56;
const COL = 170;
const ROW = 96;
const PAD_X = 16;
const PAD_Y = 70;

export function useStatusFlow() {
  return useQuery({
    queryKey: ['status-flow'],
    queryFn: () => api<StatusFlow>('/status-flow'),
    // Counts move while uploads and imports run: poll only while some image is in motion.
    refetchInterval: (q) => {
      const c = q.state.data?.counts;
      return c && [...TRANSIENT].some((s) => c[s]) ? 1500 : 5000;
    },
  });
}

/** `inProgress`: the image is moving on its own (uploading, importing, an import task running): its state is marked so. */
export function StatusFlowPanel({ current, events, inProgress }: { current?: string; events?: TimelineEntry[]; inProgress?: boolean }) {
  const { data, error, isLoading } = useStatusFlow();
  if (isLoading) return <p className="mt-4 text-sm text-slate-500">Loading the status flow…</p>;
  if (error || !data) return <p role="alert" className="mt-4 text-sm text-red-700">Could not load the status flow: {String((error as Error)?.message)}</p>;
  return <StatusFlowDiagram flow={data} current={current} events={events} inProgress={inProgress} />;
}

export function StatusFlowDiagram({ flow, current, events, inProgress }: { flow: StatusFlow; current?: string; events?: TimelineEntry[]; inProgress?: boolean }) {
  const { nodes, edges, columns, rows } = layoutFlow(flow.statuses, flow.transitions);
  const traced = tracedPath(events ?? []);
  const height = rows * ROW + PAD_Y * 2;
  const width = columns * COL - (COL - W) + PAD_X * 2;
  const colSize = new Map<number, number>();
  for (const n of nodes) colSize.set(n.column, (colSize.get(n.column) ?? 0) + 1);
  const pos = new Map(
    nodes.map((n) => {
      const offset = ((rows - colSize.get(n.column)!) * ROW) / 2;
      return [n.id, { x: PAD_X + n.column * COL, y: PAD_Y + offset + n.row * ROW + (ROW - H) / 2 }];
    }),
  );

  return (
    <figure className="mt-4">
      {/* Focusable: on a phone the diagram scrolls sideways, and the keyboard must be able to scroll it too. */}
      <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white p-2" tabIndex={0} role="region" aria-label="Status flow diagram" data-testid="status-flow-scroll">
        <svg viewBox={`0 0 ${width} ${height}`} className="min-w-[640px] w-full" role="img" aria-labelledby="flow-title flow-desc" data-testid="status-flow-diagram">
          <title id="flow-title">Image status flow</title>
          <desc id="flow-desc">{flow.statuses.map((s) => `${s}: ${flow.counts[s] ?? 0} images, can go to ${flow.transitions[s].join(', ') || 'nothing'}`).join('. ')}</desc>
          <defs>
            <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="9" markerHeight="9" markerUnits="userSpaceOnUse" orient="auto-start-reverse">
              <path d="M0,0 L10,5 L0,10 z" fill="#94a3b8" />
            </marker>
            <marker id="arrow-failed" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="9" markerHeight="9" markerUnits="userSpaceOnUse" orient="auto-start-reverse">
              <path d="M0,0 L10,5 L0,10 z" fill="#b91c1c" />
            </marker>
            <marker id="arrow-hot" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="9" markerHeight="9" markerUnits="userSpaceOnUse" orient="auto-start-reverse">
              <path d="M0,0 L10,5 L0,10 z" fill="#0369a1" />
            </marker>
          </defs>
          {edges.map((e) => {
            const a = pos.get(e.from)!;
            const b = pos.get(e.to)!;
            const hot = traced.edges.includes(`${e.from}>${e.to}`);
            const failed = traced.failed.includes(`${e.from}>${e.to}`);
            return (
              <path
                key={`${e.from}>${e.to}`}
                d={edgePath(a, b, e.back, PAD_Y + (rows * ROW) / 2)}
                fill="none"
                stroke={failed ? '#b91c1c' : hot ? '#0369a1' : '#cbd5e1'}
                strokeWidth={hot ? 3 : 1.4}
                strokeDasharray={failed ? '6 4' : undefined}
                markerEnd={`url(#${failed ? 'arrow-failed' : hot ? 'arrow-hot' : 'arrow'})`}
                data-edge={`${e.from}>${e.to}`}
                data-traced={hot || undefined}
                data-failed={failed || undefined}
              />
            );
          })}
          {nodes.map((n) => {
            const p = pos.get(n.id)!;
            const isCurrent = n.id === current;
            const visited = traced.states.includes(n.id);
            const moving = isCurrent && !!inProgress;
            return (
              <g key={n.id} transform={`translate(${p.x},${p.y})`} data-testid={`node-${n.id}`} data-current={isCurrent || undefined} data-visited={visited || undefined} data-in-progress={moving || undefined}>
                {moving && <rect x={-5} y={-5} width={W + 10} height={H + 10} rx={14} fill="none" stroke="#6366f1" strokeWidth={3} strokeDasharray="8 5" className="animate-pulse" />}
                <rect
                  width={W}
                  height={H}
                  rx={10}
                  fill={isCurrent ? '#0369a1' : visited ? '#e0f2fe' : '#f8fafc'}
                  stroke={isCurrent ? '#0c4a6e' : visited ? '#0369a1' : '#94a3b8'}
                  strokeWidth={isCurrent ? 3 : 1.5}
                />
                <text x={W / 2} y={23} textAnchor="middle" fontSize="14" fontWeight="600" fill={isCurrent ? '#fff' : '#0f172a'}>{n.id}</text>
                <text x={W / 2} y={43} textAnchor="middle" fontSize="12" fill={isCurrent ? '#e0f2fe' : '#475569'}>
                  {flow.counts[n.id] ?? 0} {flow.counts[n.id] === 1 ? 'image' : 'images'}
                </text>
              </g>
            );
          })}
        </svg>
      </div>
      <figcaption className="mt-3">
        {current && inProgress && (
          <p className="mb-2 text-sm font-medium text-indigo-800" data-testid="flow-in-progress" aria-live="polite">
            In progress: <span className="font-mono">{current}</span> — this page follows it until it ends.
          </p>
        )}
        <ul className="grid gap-x-6 gap-y-1 text-sm sm:grid-cols-2 lg:grid-cols-3" aria-label="Images per status">
          {flow.statuses.map((s) => (
            <li key={s} className={s === current ? 'font-semibold text-sky-800' : ''}>
              <span className="font-mono">{s}</span>: <span data-testid={`count-${s}`}>{flow.counts[s] ?? 0}</span>
              <span className="text-slate-500"> — {flow.descriptions[s]}</span>
            </li>
          ))}
        </ul>
      </figcaption>
    </figure>
  );
}

/**
 * Edges between neighbouring columns go side to side; longer forward edges arc
 * over the top (or, from lower rows, under the bottom) so they never cross a
 * node; backward edges arc underneath. Arc height grows with the span so
 * parallel arcs stay apart.
 */
function edgePath(a: { x: number; y: number }, b: { x: number; y: number }, back: boolean, midY: number): string {
  const span = Math.max(1, Math.round(Math.abs(b.x - a.x) / COL));
  const shift = (n: number) => Math.max(-W / 2 + 12, Math.min(W / 2 - 12, n));
  if (!back && span === 1) {
    const x1 = a.x + W;
    const x2 = b.x;
    const ay = a.y + H / 2;
    const by = b.y + H / 2;
    return `M${x1},${ay} C${(x1 + x2) / 2},${ay} ${(x1 + x2) / 2},${by} ${x2},${by}`;
  }
  const lift = 12 + span * 9;
  const over = !back && a.y + H / 2 <= midY;
  const sx = a.x + W / 2 + shift((span - 2) * 10);
  const tx = b.x + W / 2 - shift((span - 2) * 10) + (back ? 14 : 0);
  if (over) {
    const top = Math.min(a.y, b.y) - lift;
    return `M${sx},${a.y} C${sx},${top} ${tx},${top} ${tx},${b.y}`;
  }
  const bottom = Math.max(a.y, b.y) + H + lift;
  return `M${sx - (back ? 14 : 0)},${a.y + H} C${sx},${bottom} ${tx},${bottom} ${tx},${b.y + H}`;
}
