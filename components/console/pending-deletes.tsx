'use client';
// Admins: the images deleted with delayed_delete on, awaiting the scrubber,
// each with a Restore (glance-scrubber --restore). Shown only when there are some.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { PendingDelete } from '@/lib/console/pending-deletes';
import { api, formatBytes, formatDate } from './api';

// Under ['images'], so a delete in the list (which refreshes ['images']) refreshes this too.
const KEY = ['images', 'pending-deletes'];

export function PendingDeletes() {
  const qc = useQueryClient();
  const [notice, setNotice] = useState<{ kind: 'error' | 'ok'; text: string } | null>(null);
  const list = useQuery({ queryKey: KEY, queryFn: () => api<{ images: PendingDelete[] }>('/pending-deletes') });
  const restore = useMutation({
    mutationFn: (image: PendingDelete) => api(`/pending-deletes/${image.id}/restore`, { method: 'POST' }),
    onSuccess: (_r, image) => setNotice({ kind: 'ok', text: `Restored image “${image.name ?? image.id}”.` }),
    onError: (err) => setNotice({ kind: 'error', text: (err as Error).message }),
    onSettled: () => Promise.all([qc.invalidateQueries({ queryKey: ['images'] }), qc.invalidateQueries({ queryKey: ['status-flow'] })]),
  });
  const images = list.data?.images ?? [];
  if (images.length === 0 && !notice) return null;
  return (
    <section aria-labelledby="pending-delete-title" className="mt-6" data-testid="pending-deletes">
      <h2 id="pending-delete-title" className="text-lg font-semibold">Pending delete</h2>
      <p className="text-sm text-slate-600">Deleted images whose data the scrubber has not removed yet; an admin can restore them.</p>
      {notice && (
        <p role={notice.kind === 'error' ? 'alert' : 'status'} className={`mt-2 rounded-md px-3 py-2 text-sm ${notice.kind === 'error' ? 'bg-red-50 text-red-800' : 'bg-emerald-50 text-emerald-800'}`}>
          {notice.text}
        </p>
      )}
      {images.length > 0 && (
        <div className="mt-2 overflow-x-auto rounded-lg border border-slate-200 bg-white">
          <table className="w-full text-left text-sm">
            <thead className="bg-slate-100 text-xs uppercase tracking-wide text-slate-600">
              <tr>
                <th scope="col" className="px-3 py-2">Name</th>
                <th scope="col" className="hidden px-3 py-2 sm:table-cell">Size</th>
                <th scope="col" className="hidden px-3 py-2 md:table-cell">Deleted</th>
                <th scope="col" className="hidden px-3 py-2 md:table-cell">Scrubbed after</th>
                <th scope="col" className="px-3 py-2 text-right">Actions</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {images.map((image) => (
                <tr key={image.id} data-testid="pending-delete-row" data-image-id={image.id}>
                  <td className="max-w-[14rem] truncate px-3 py-2 font-medium">{image.name ?? <span className="font-mono text-xs">{image.id}</span>}</td>
                  <td className="hidden px-3 py-2 sm:table-cell">{formatBytes(image.size)}</td>
                  <td className="hidden px-3 py-2 md:table-cell">{formatDate(image.deleted_at)}</td>
                  <td className="hidden px-3 py-2 md:table-cell">{formatDate(image.scrub_after)}</td>
                  <td className="px-3 py-2 text-right">
                    <button type="button" className="btn-secondary" disabled={restore.isPending} onClick={() => { setNotice(null); restore.mutate(image); }} aria-label={`Restore ${image.name ?? image.id}`}>
                      Restore
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
