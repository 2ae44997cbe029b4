// An image's status timeline: every event, who did it (for those allowed to
// know), when, and how long the image spent before the next step.
import type { EventAction } from '@/lib/images/events';
import { formatDate, formatDuration, type TimelineEntry } from './api';

// Keyed by the server's event actions: the compiler asks for a label for each.
const LABELS: Record<EventAction, string> = {
  created: 'Created',
  upload_started: 'Upload started',
  upload_finished: 'Upload finished',
  upload_failed: 'Upload failed',
  upload_cancelled: 'Upload cancelled',
  upload_expired: 'Upload expired',
  upload_killed: 'Upload killed',
  staged: 'Staged',
  import_started: 'Import started',
  imported: 'Imported',
  import_failed: 'Import failed',
  deactivated: 'Deactivated',
  reactivated: 'Reactivated',
  deleted: 'Deleted',
  delayed_delete: 'Delete pending',
  scrubbed: 'Data scrubbed',
  restored: 'Restored',
  location_added: 'Location added',
  updated: 'Updated',
  reset_after_restart: 'Reset after restart',
};

/** "alice (project demo)", "project demo", or "the server"; empty when the viewer may not know. */
function actorText(actor: TimelineEntry['actor']): string {
  if (!actor) return '';
  if (actor.user) return actor.project ? `${actor.user} (project ${actor.project})` : actor.user;
  if (actor.project) return `project ${actor.project}`;
  return actor.requestId ? 'anonymous' : 'the server';
}

const FAILURES: ReadonlySet<string> = new Set<EventAction>(['upload_failed', 'import_failed', 'upload_expired', 'reset_after_restart']);

export function Timeline({ events }: { events: TimelineEntry[] }) {
  if (events.length === 0) return <p className="text-sm text-slate-500">No events recorded for this image.</p>;
  return (
    <ol className="relative ml-2 border-l-2 border-slate-200" aria-label="Status timeline" data-testid="timeline">
      {events.map((e, i) => {
        const next = events[i + 1];
        const took = next ? new Date(next.at).getTime() - new Date(e.at).getTime() : null;
        const failed = FAILURES.has(e.action);
        return (
          <li key={e.id} className="mb-4 ml-4" data-testid="timeline-entry" data-action={e.action}>
            <span aria-hidden="true" className={`absolute -left-[7px] mt-1.5 h-3 w-3 rounded-full ${failed ? 'bg-red-600' : e.to ? 'bg-sky-700' : 'bg-slate-400'}`} />
            <p className="text-sm font-medium">
              {LABELS[e.action as EventAction] ?? e.action}
              {e.to && (
                <span className="ml-2 font-mono text-xs text-slate-600">
                  {e.from ? `${e.from} → ` : ''}{e.to}
                </span>
              )}
            </p>
            {e.reason && <p className={`text-sm ${failed ? 'text-red-700' : 'text-slate-600'}`}>{e.reason}</p>}
            <p className="text-xs text-slate-500">
              <time dateTime={e.at}>{formatDate(e.at)}</time>
              {e.actor && <span data-testid="timeline-actor">{` · by ${actorText(e.actor)}`}</span>}
              {took !== null && <span> · next step after {formatDuration(took)}</span>}
            </p>
          </li>
        );
      })}
    </ol>
  );
}
