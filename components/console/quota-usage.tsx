'use client';
// The signed-in project's unified limits as bars (GET /v2/info/usage through
// the console): usage against limit per resource, "unlimited" for -1, nothing
// when limits are off. Re-read whenever the images list is re-read, which
// every upload, import and delete on this page triggers.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useId } from 'react';
import { api } from './api';

type Usage = Record<string, { usage: number; limit: number }>;

/** Glance's resource names, in its order, with what they count (sizes are whole MiB). */
const RESOURCES: [name: string, label: string, unit: string][] = [
  ['image_size_total', 'Image data', 'MiB'],
  ['image_stage_total', 'Staging area', 'MiB'],
  ['image_count_total', 'Images', ''],
  ['image_count_uploading', 'Uploads in progress', ''],
];

export function QuotaUsage() {
  const qc = useQueryClient();
  const usage = useQuery({ queryKey: ['usage'], queryFn: () => api<{ usage: Usage }>('/usage') });
  useEffect(
    () =>
      qc.getQueryCache().subscribe((e) => {
        if (e.type === 'updated' && e.action.type === 'success' && e.query.queryKey[0] === 'images') void qc.invalidateQueries({ queryKey: ['usage'] });
      }),
    [qc],
  );
  const data = usage.data?.usage ?? {};
  if (Object.keys(data).length === 0) return null;
  return (
    <section aria-labelledby="quota-heading" className="mb-4 rounded-lg border border-slate-200 bg-white p-3" data-testid="quota-usage">
      <h2 id="quota-heading" className="text-sm font-semibold">Project limits</h2>
      <div className="mt-2 grid gap-3 sm:grid-cols-2 lg:grid-cols-4">
        {RESOURCES.filter(([name]) => data[name]).map(([name, label, unit]) => <Bar key={name} name={name} label={label} unit={unit} {...data[name]} />)}
      </div>
    </section>
  );
}

function Bar({ name, label, unit, usage, limit }: { name: string; label: string; unit: string; usage: number; limit: number }) {
  const id = useId();
  const u = (n: number) => (unit ? `${n} ${unit}` : String(n));
  const text = limit < 0 ? `${u(usage)} used, unlimited` : `${u(usage)} of ${u(limit)}`;
  const share = limit <= 0 ? (limit === 0 && usage > 0 ? 1 : 0) : Math.min(1, usage / limit);
  return (
    <div data-testid={`quota-${name}`} data-usage={usage} data-limit={limit}>
      <div className="flex justify-between text-xs">
        <span id={id} className="font-medium text-slate-700">{label}</span>
        <span className="text-slate-600" data-testid="quota-text">{text}</span>
      </div>
      {limit >= 0 && (
        <div
          role="meter"
          aria-labelledby={id}
          aria-valuemin={0}
          aria-valuemax={limit}
          aria-valuenow={Math.min(usage, limit)}
          aria-valuetext={text}
          className="mt-1 h-2 overflow-hidden rounded bg-slate-200"
        >
          <div className={`h-full ${share >= 0.9 ? 'bg-red-600' : share >= 0.7 ? 'bg-amber-500' : 'bg-sky-600'}`} style={{ width: `${share * 100}%` }} />
        </div>
      )}
    </div>
  );
}
