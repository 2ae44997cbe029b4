'use client';
// The status-flow diagram: the server's transition table, laid out by the
// server (lib/console/flow-layout.ts), drawn here with live counts per state.
// Hover or focus a state to light its edges; click it (or Enter) to list its
// images. On an image's page the path it took is traced, with the time it
// spent in each state.
import { useLayoutEffect, useMemo, useRef, useState } from 'react';
import { useRouter } from 'next/navigation';
import { useQuery } from '@tanstack/react-query';
import { stateSpans, timePerState, tracedPath } from '@/lib/console/flow-trace';
import type { FlowDirection, FlowLayout, LabelBox, LaidEdge, LaidNode } from '@/lib/console/flow-types';
import { api, formatDuration, type StatusFlow, type TimelineEntry } from './api';
import { downloadSvg } from './svg-download';

/** Below this width the diagram is drawn top to bottom (a phone). */
const NARROW = 640;
const LINE = 15;
const COLORS = { edge: '#64748b', hot: '#0369a1', failed: '#b91c1c', faded: '#e2e8f0' };

export function useStatusFlow() {
  return useQuery({
    queryKey: ['status-flow'],
    queryFn: () => api<StatusFlow>('/status-flow'),
    // Counts follow changes within 2 s; the layout in the answer stays the same object (react-query shares equal data).
    refetchInterval: 1500,
  });
}

/** `inProgress`: the image is moving on its own (uploading, importing, an import task running): its state is marked so. */
export function StatusFlowPanel({ current, events, inProgress }: { current?: string; events?: TimelineEntry[]; inProgress?: boolean }) {
  const { data, error, isLoading } = useStatusFlow();
  if (isLoading) return <p className="mt-4 text-sm text-slate-500">Loading the status flow…</p>;
  if (error || !data) return <p role="alert" className="mt-4 text-sm text-red-700">Could not load the status flow: {String((error as Error)?.message)}</p>;
  return <StatusFlowDiagram flow={data} current={current} events={events} inProgress={inProgress} />;
}

/** The direction that suits the element's width, measured before the first paint and on every resize. */
function useDirection() {
  const ref = useRef<HTMLDivElement>(null);
  const [direction, setDirection] = useState<FlowDirection>('RIGHT');
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const pick = () => setDirection(el.clientWidth < NARROW ? 'DOWN' : 'RIGHT');
    pick();
    const observer = new ResizeObserver(pick);
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  return { ref, direction };
}

export function StatusFlowDiagram({ flow, current, events, inProgress }: { flow: StatusFlow; current?: string; events?: TimelineEntry[]; inProgress?: boolean }) {
  const { ref, direction } = useDirection();
  const svgRef = useRef<SVGSVGElement>(null);
  const router = useRouter();
  const [hot, setHot] = useState<string | null>(null);
  const layout: FlowLayout = flow.layouts[direction];
  const traced = useMemo(() => tracedPath(events ?? []), [events]);
  const spent = useMemo(() => timePerState(stateSpans(events ?? [], Date.now())), [events]);
  // Edges of the hovered or focused state first in the drawing order: highlighted ones on top.
  const touches = (e: LaidEdge) => hot !== null && (e.from === hot || e.to === hot);
  const edges = [...layout.edges].sort((a, b) => Number(touches(a)) - Number(touches(b)));

  return (
    <figure className="mt-4" ref={ref}>
      {/* Focusable: if the diagram is ever wider than the screen (zoomed in), the keyboard scrolls it too. */}
      <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white p-2" tabIndex={0} role="region" aria-label="Status flow diagram" data-testid="status-flow-scroll">
        <svg
          ref={svgRef}
          xmlns="http://www.w3.org/2000/svg"
          viewBox={`0 0 ${layout.width} ${layout.height}`}
          width={layout.width}
          height={layout.height}
          style={{ maxWidth: '100%', height: 'auto' }}
          fontFamily="ui-sans-serif, system-ui, sans-serif"
          role="group"
          aria-labelledby="flow-title flow-desc"
          data-testid="status-flow-diagram"
          data-direction={direction}
        >
          <title id="flow-title">Image status flow</title>
          <desc id="flow-desc">{describe(flow, layout)}</desc>
          <defs>
            {Object.entries(COLORS).map(([name, color]) => (
              <marker key={name} id={`arrow-${name}`} viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" markerHeight="8" markerUnits="userSpaceOnUse" orient="auto-start-reverse">
                <path d="M0,0 L10,5 L0,10 z" fill={color} />
              </marker>
            ))}
          </defs>
          {/* Opaque, so the downloaded file reads in dark viewers too. */}
          <rect width={layout.width} height={layout.height} fill="#ffffff" />
          {edges.map((e) => {
            const kind = traced.failed.includes(e.id) ? 'failed' : traced.edges.includes(e.id) || touches(e) ? 'hot' : hot ? 'faded' : 'edge';
            const strong = kind === 'hot' || kind === 'failed';
            // A bundle's edges (the deletes from every state) show only with their state lit or on the image's path.
            const shown = !e.group || strong;
            return (
              <path
                key={e.id}
                d={`M${e.points.map((p) => p.join(',')).join(' L')}`}
                fill="none"
                stroke={COLORS[kind]}
                strokeWidth={strong ? 2.5 : 1.5}
                strokeDasharray={kind === 'failed' ? '6 4' : undefined}
                markerEnd={`url(#arrow-${kind})`}
                visibility={shown ? undefined : 'hidden'}
                data-edge={e.id}
                data-label={e.label}
                data-group={e.group ?? undefined}
                data-highlighted={touches(e) || undefined}
                data-traced={traced.edges.includes(e.id) || undefined}
                data-failed={traced.failed.includes(e.id) || undefined}
              />
            );
          })}
          {layout.edges.map((e) => e.labelBox && <EdgeLabel key={e.id} box={e.labelBox} labelFor={e.id} dim={hot !== null && !touches(e)} />)}
          {layout.notes.map((n) => (
            <EdgeLabel key={n.group} box={n} labelFor={n.group} note dim={hot !== null && !layout.edges.some((g) => g.group === n.group && touches(g))} />
          ))}
          {layout.nodes.map((n) => (
            <StateNode
              key={n.id}
              node={n}
              count={flow.counts[n.id] ?? 0}
              current={n.id === current}
              visited={traced.states.includes(n.id)}
              moving={n.id === current && !!inProgress}
              spent={spent.get(n.id)}
              onHot={setHot}
              onOpen={() => router.push(listUrl(n.id))}
            />
          ))}
        </svg>
      </div>
      <figcaption className="mt-3">
        <div className="mb-2 flex flex-wrap items-center gap-3">
          <button type="button" className="btn-secondary border border-slate-300" onClick={() => svgRef.current && downloadSvg(svgRef.current, 'image-status-flow.svg')} data-testid="download-svg">
            Download SVG
          </button>
          <p className="text-xs text-slate-600">Hover or focus a state to light its transitions, its delete included; open a state to list its images.</p>
        </div>
        {current && inProgress && (
          <p className="mb-2 text-sm font-medium text-indigo-800" data-testid="flow-in-progress" aria-live="polite">
            In progress: <span className="font-mono">{current}</span> — this page follows it until it ends.
          </p>
        )}
        <ul className="grid gap-x-6 gap-y-1 text-sm sm:grid-cols-2 lg:grid-cols-3" aria-label="Images per status">
          {flow.statuses.map((s) => (
            <li key={s} className={s === current ? 'font-semibold text-sky-800' : ''}>
              <span className="font-mono">{s}</span>: <span data-testid={`count-${s}`}>{flow.counts[s] ?? 0}</span>
              <span className="text-slate-600"> — {flow.descriptions[s]}</span>
            </li>
          ))}
        </ul>
      </figcaption>
    </figure>
  );
}

/** The images list filtered by a state; deleted images are never listed, so that state opens nothing. */
const listUrl = (status: string) => `/dashboard?status=${encodeURIComponent(status)}`;
const LISTABLE = (status: string) => status !== 'deleted';

function describe(flow: StatusFlow, layout: FlowLayout): string {
  return flow.statuses
    .map((s) => {
      const out = layout.edges.filter((e) => e.from === s).map((e) => `${e.label} to ${e.to}`);
      return `${s}: ${flow.counts[s] ?? 0} images${out.length ? `; ${out.join(', ')}` : ''}`;
    })
    .join('. ');
}

/** An edge's label on its edge (an opaque halo: the line runs into it and out again), or a bundle's quiet note. */
function EdgeLabel({ box: b, labelFor, note, dim }: { box: LabelBox; labelFor: string; note?: boolean; dim: boolean }) {
  return (
    <g data-testid="edge-label" data-label-for={labelFor} data-note={note || undefined} opacity={dim ? 0.35 : 1}>
      <rect x={b.x} y={b.y} width={b.width} height={b.height} rx={3} fill="#ffffff" />
      {b.lines.map((line, i) => (
        <text key={i} x={b.x + b.width / 2} y={b.y + 14 + i * LINE} textAnchor="middle" fontSize="12" fill={note ? '#475569' : '#1e293b'} fontStyle={note ? 'italic' : undefined}>
          {line}
        </text>
      ))}
    </g>
  );
}

function StateNode(p: { node: LaidNode; count: number; current: boolean; visited: boolean; moving: boolean; spent?: number; onHot: (id: string | null) => void; onOpen: () => void }) {
  const { node: n, current, visited } = p;
  const images = `${p.count} ${p.count === 1 ? 'image' : 'images'}`;
  const spent = p.spent !== undefined ? formatDuration(p.spent) : null;
  // The name starts with the visible text, word for word (WCAG 2.5.3); the spaces between the <text>s make the DOM's text read so too.
  const visible = `${n.id} ${images}${spent ? ` ${spent}` : ''}`;
  const body = (
    <>
      {p.moving && <rect x={n.x - 4} y={n.y - 4} width={n.width + 8} height={n.height + 8} rx={12} fill="none" stroke="#6366f1" strokeWidth={3} strokeDasharray="8 5" className="animate-pulse" />}
      <rect x={n.x} y={n.y} width={n.width} height={n.height} rx={9} fill={current ? '#0369a1' : visited ? '#e0f2fe' : '#f8fafc'} stroke={current ? '#0c4a6e' : visited ? '#0369a1' : '#64748b'} strokeWidth={current ? 3 : 1.5} />
      <text x={n.x + n.width / 2} y={n.y + 19} textAnchor="middle" fontSize="12" fontWeight="600" fill={current ? '#ffffff' : '#0f172a'}>{n.id}</text>{' '}
      <text x={n.x + n.width / 2} y={n.y + 36} textAnchor="middle" fontSize="12" fill={current ? '#e0f2fe' : '#475569'} data-testid={`node-count-${n.id}`}>{images}</text>{' '}
      {spent && <text x={n.x + n.width / 2} y={n.y + 52} textAnchor="middle" fontSize="11" fill={current ? '#e0f2fe' : '#0c4a6e'} data-testid={`node-spent-${n.id}`}>{spent}</text>}
    </>
  );
  const common = {
    'data-testid': `node-${n.id}`,
    'data-current': current || undefined,
    'data-visited': visited || undefined,
    'data-in-progress': p.moving || undefined,
    onMouseEnter: () => p.onHot(n.id),
    onMouseLeave: () => p.onHot(null),
    onFocus: () => p.onHot(n.id),
    onBlur: () => p.onHot(null),
    className: 'cursor-pointer',
  };
  if (!LISTABLE(n.id)) return <g {...common} tabIndex={0} role="img" aria-label={`${visible}${spent ? ' spent here' : ''} (deleted images are not listed)`} className="">{body}</g>;
  return (
    <a
      {...common}
      href={listUrl(n.id)}
      aria-label={`${visible}${spent ? ' spent here' : ''}: list them`}
      onClick={(e) => {
        if (e.metaKey || e.ctrlKey || e.shiftKey) return;
        e.preventDefault();
        p.onOpen();
      }}
    >
      {body}
    </a>
  );
}
