'use client';
// An image's import as it stands: the running task (method, source, its
// progress message), the stores still being written to
// (os_glance_importing_to_stores) and those that failed (os_glance_failed_import).
import { storeList, taskSummary } from '@/lib/console/import-timeline';
import type { Image, ImportTaskEntry } from './api';

export function ImportProgress({ image, tasks }: { image: Image; tasks: ImportTaskEntry[] }) {
  const importingTo = storeList(image.os_glance_importing_to_stores);
  const failedIn = storeList(image.os_glance_failed_import);
  const running = tasks.filter((t) => t.status === 'pending' || t.status === 'processing');
  const last = tasks.at(-1);
  if (running.length === 0 && importingTo.length === 0 && failedIn.length === 0 && last?.status !== 'failure') return null;
  return (
    <div className="rounded-lg border border-indigo-200 bg-indigo-50 p-3 text-sm" data-testid="import-progress" aria-live="polite">
      {running.map((t) => (
        <p key={t.id} data-testid="import-running">
          <span className="font-medium">Import {t.status === 'pending' ? 'queued' : 'running'}:</span> <span className="break-all">{taskSummary(t)}</span>
          {t.message && <span className="text-slate-600"> — {t.message}</span>}
        </p>
      ))}
      {importingTo.length > 0 && (
        <p data-testid="importing-to-stores">
          Importing to stores: <span className="font-mono">{importingTo.join(', ')}</span>
        </p>
      )}
      {failedIn.length > 0 && (
        <p className="text-red-800" data-testid="failed-import-stores">
          Import failed for stores: <span className="font-mono">{failedIn.join(', ')}</span>
        </p>
      )}
      {running.length === 0 && last?.status === 'failure' && (
        <p className="text-red-800" data-testid="import-last-failure">
          <span className="font-medium">Last import failed</span> ({taskSummary(last)}){last.message ? `: ${last.message}` : ''}
        </p>
      )}
    </div>
  );
}
