'use client';
// Time an image spent in each state, as one bar: a segment per stay, its
// width proportional to the time, a failure marked red with what to do.
// The image's current stay counts while it is on its way (an upload or
// import running); once it has settled (active, deactivated…) the bar is its
// journey there and the current state is named beside it.
import { useEffect, useState } from 'react';
import { stateSpans, type StateSpan } from '@/lib/console/flow-trace';
import { formatDuration, TRANSIENT, type TimelineEntry } from './api';

const FILL: Record<string, string> = {
  queued: 'bg-slate-400',
  saving: 'bg-sky-500',
  uploading: 'bg-sky-400',
  importing: 'bg-indigo-500',
  active: 'bg-emerald-600',
  deactivated: 'bg-amber-500',
  killed: 'bg-red-700',
  pending_delete: 'bg-orange-500',
  deleted: 'bg-slate-700',
};

/** Re-renders every second while `on`, so a running stay's time grows. */
function useNow(on: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!on) return;
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, [on]);
  return now;
}

export function StateBar({ events }: { events: TimelineEntry[] }) {
  const all = stateSpans(events, Date.now());
  const last = all[all.length - 1];
  const running = !!last && TRANSIENT.has(last.status);
  const now = useNow(running);
  const spans = stateSpans(events, now);
  if (spans.length === 0) return null;
  const settled = spans.length > 1 && !running ? spans[spans.length - 1] : null;
  const drawn = settled ? spans.slice(0, -1) : spans;
  const total = drawn.reduce((n, s) => n + s.ms, 0) || 1;
  const text = (s: StateSpan) => `${s.status} ${formatDuration(s.ms)}${s.current ? ' (so far)' : ''}${s.failure ? ` — ${s.failure.action.replace(/_/g, ' ')}` : ''}`;
  return (
    <section aria-labelledby="state-bar-title" className="mb-4" data-testid="state-bar">
      <h3 id="state-bar-title" className="mb-1 text-sm font-medium text-slate-700">Time in each state</h3>
      <div className="flex h-6 w-full overflow-hidden rounded border border-slate-300" aria-hidden="true">
        {drawn.map((s, i) => (
          <div
            key={i}
            className={`${FILL[s.status] ?? 'bg-slate-400'} ${s.failure ? 'bg-[repeating-linear-gradient(45deg,#b91c1c_0_6px,#fca5a5_6px_12px)]' : ''} ${s.current ? 'animate-pulse' : ''} border-r border-white last:border-r-0`}
            style={{ width: `${(100 * s.ms) / total}%`, minWidth: '3px' }}
            title={text(s)}
            data-testid="state-bar-segment"
            data-status={s.status}
            data-ms={s.ms}
            data-failed={s.failure ? 'true' : undefined}
          />
        ))}
      </div>
      <ol className="mt-1 flex flex-wrap gap-x-4 gap-y-1 text-xs text-slate-700" aria-label="Time in each state">
        {drawn.map((s, i) => (
          <li key={i} data-testid="state-bar-text">
            <span aria-hidden="true" className={`mr-1 inline-block h-2 w-2 rounded-sm ${FILL[s.status] ?? 'bg-slate-400'}`} />
            <span className="font-mono">{s.status}</span> {formatDuration(s.ms)}
            {s.current && ' (so far)'}
            {s.failure && (
              <span className="text-red-700" data-testid="state-bar-failure">
                {' '}— {s.failure.action.replace(/_/g, ' ')}{s.failure.reason ? `: ${s.failure.reason}` : ''}
              </span>
            )}
          </li>
        ))}
        {settled && (
          <li data-testid="state-bar-now">
            now <span className="font-mono">{settled.status}</span>, for {formatDuration(settled.ms)}
          </li>
        )}
      </ol>
    </section>
  );
}
