'use client';
// The image cache page (admins): what this node has cached and queued, with
// Glance's hits and times; queue an active image, remove one, clear all.
import Link from 'next/link';
import { useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { CachePage } from '@/lib/console/cache';
import { api, formatBytes, formatDate } from './api';
import { ConfirmDialog } from './confirm-dialog';

type Clear = 'cache' | 'queue' | 'both';
const CLEAR_LABEL: Record<Clear, string> = { cache: 'Clear cached images', queue: 'Clear the queue', both: 'Clear cache and queue' };
const seconds = (t: number) => formatDate(new Date(t * 1000).toISOString());

export function CachePanel() {
  const client = useQueryClient();
  const state = useQuery({
    queryKey: ['cache'],
    queryFn: () => api<CachePage>('/cache'),
    // The prefetcher fills queued images in the background: poll while any is queued.
    refetchInterval: (q) => ((q.state.data?.queued.length ?? 0) > 0 ? 1500 : 10_000),
  });
  const [choice, setChoice] = useState('');
  const [clear, setClear] = useState<Clear | null>(null);
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);

  async function run(work: () => Promise<unknown>, done: string) {
    setBusy(true);
    try {
      await work();
      setNotice({ kind: 'ok', text: done });
    } catch (err) {
      setNotice({ kind: 'error', text: (err as Error).message });
    } finally {
      setBusy(false);
      await client.invalidateQueries({ queryKey: ['cache'] });
    }
  }

  const name = (id: string, n: string | null) => (
    <Link href={`/dashboard/images/${id}`} className="text-sky-800 hover:underline">{n ?? <span className="font-mono text-xs">{id}</span>}</Link>
  );

  if (state.isLoading) return <p className="mt-4 text-sm text-slate-500">Loading the cache…</p>;
  if (state.isError || !state.data) return <p role="alert" className="mt-4 text-sm text-red-700">Could not load the cache: {(state.error as Error)?.message}</p>;
  const { cached, queued, queueable } = state.data;
  const total = cached.reduce((n, e) => n + e.size, 0);

  return (
    <div className="mt-4 space-y-6">
      {notice && (
        <p role={notice.kind === 'error' ? 'alert' : 'status'} className={`rounded-md px-3 py-2 text-sm ${notice.kind === 'error' ? 'bg-red-50 text-red-800' : 'bg-emerald-50 text-emerald-800'}`}>
          {notice.text}
        </p>
      )}

      <form
        className="flex flex-wrap items-end gap-3 rounded-lg border border-slate-200 bg-white p-3"
        onSubmit={(e) => {
          e.preventDefault();
          if (choice) void run(() => api(`/cache/${choice}`, { method: 'PUT' }), 'Image queued: the prefetcher will cache it.').then(() => setChoice(''));
        }}
      >
        <label className="min-w-[16rem] flex-1">
          <span className="label">Queue an image for caching</span>
          <select className="field" name="queue-image" value={choice} onChange={(e) => setChoice(e.target.value)}>
            <option value="">Choose an active image…</option>
            {queueable.map((i) => <option key={i.id} value={i.id}>{i.name ? `${i.name} (${i.id})` : i.id}</option>)}
          </select>
        </label>
        <button type="submit" className="btn-primary" disabled={!choice || busy}>Queue</button>
        <div className="ml-auto flex flex-wrap gap-2">
          {(['cache', 'queue', 'both'] as const).map((t) => (
            <button key={t} type="button" className="btn-secondary" disabled={busy} onClick={() => setClear(t)}>{CLEAR_LABEL[t]}</button>
          ))}
        </div>
      </form>

      <section aria-labelledby="cached-title">
        <h2 id="cached-title" className="text-lg font-semibold">Cached images <span className="text-sm font-normal text-slate-600">({cached.length}, {formatBytes(total)})</span></h2>
        <div className="mt-2 overflow-x-auto rounded-lg border border-slate-200 bg-white">
          <table className="w-full text-left text-sm" data-testid="cached-images">
            <thead className="bg-slate-100 text-xs uppercase tracking-wide text-slate-600">
              <tr>
                <th scope="col" className="px-3 py-2">Image</th>
                <th scope="col" className="px-3 py-2">Size</th>
                <th scope="col" className="px-3 py-2">Hits</th>
                <th scope="col" className="hidden px-3 py-2 md:table-cell">Last accessed</th>
                <th scope="col" className="hidden px-3 py-2 md:table-cell">Cached at</th>
                <th scope="col" className="px-3 py-2 text-right">Actions</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {cached.length === 0 && <tr><td colSpan={6} className="px-3 py-6 text-center text-slate-500">Nothing cached on this node.</td></tr>}
              {cached.map((e) => (
                <tr key={e.image_id} data-testid="cached-row" data-image-id={e.image_id}>
                  <td className="max-w-[18rem] truncate px-3 py-2 font-medium">{name(e.image_id, e.name)}</td>
                  <td className="whitespace-nowrap px-3 py-2">{formatBytes(e.size)}</td>
                  <td className="px-3 py-2" data-testid="hits">{e.hits}</td>
                  <td className="hidden whitespace-nowrap px-3 py-2 md:table-cell">{seconds(e.last_accessed)}</td>
                  <td className="hidden whitespace-nowrap px-3 py-2 md:table-cell">{seconds(e.last_modified)}</td>
                  <td className="px-3 py-2 text-right">
                    <button type="button" className="btn-danger" disabled={busy} aria-label={`Remove ${e.name ?? e.image_id} from the cache`}
                      onClick={() => void run(() => api(`/cache/${e.image_id}`, { method: 'DELETE' }), 'Removed from the cache.')}>Remove</button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>

      <section aria-labelledby="queued-title">
        <h2 id="queued-title" className="text-lg font-semibold">Queued images <span className="text-sm font-normal text-slate-600">({queued.length})</span></h2>
        <ul className="mt-2 divide-y divide-slate-100 rounded-lg border border-slate-200 bg-white text-sm" data-testid="queued-images">
          {queued.length === 0 && <li className="px-3 py-4 text-center text-slate-500">The queue is empty.</li>}
          {queued.map((q) => (
            <li key={q.image_id} data-testid="queued-row" data-image-id={q.image_id} className="flex items-center justify-between gap-2 px-3 py-2">
              <span className="truncate">{name(q.image_id, q.name)}</span>
              <button type="button" className="btn-secondary" disabled={busy} aria-label={`Remove ${q.name ?? q.image_id} from the queue`}
                onClick={() => void run(() => api(`/cache/${q.image_id}`, { method: 'DELETE' }), 'Removed from the queue.')}>Remove</button>
            </li>
          ))}
        </ul>
      </section>

      <ConfirmDialog
        open={clear !== null}
        title={clear ? `${CLEAR_LABEL[clear]}?` : ''}
        confirmLabel={clear ? CLEAR_LABEL[clear] : ''}
        busy={busy}
        onCancel={() => setClear(null)}
        onConfirm={() => {
          const t = clear;
          setClear(null);
          if (t) void run(() => api(`/cache${t === 'both' ? '' : `?target=${t}`}`, { method: 'DELETE' }), 'Cleared.');
        }}
      >
        {clear === 'queue' ? 'Queued images will not be fetched.' : 'The images stay in their stores; only this node\u2019s local copies are removed.'}
      </ConfirmDialog>
    </div>
  );
}
