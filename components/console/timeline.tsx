// An image's status timeline: every event, who did it (for those allowed to
// know), when, and how long the image spent before the next step; the
// image's import tasks (created, processing, succeeded or failed and why)
// among them.
import type { EventAction } from '@/lib/images/events';
import { taskSteps, type TaskStep } from '@/lib/console/import-timeline';
import { formatDate, formatDuration, type ImportTaskEntry, type TimelineEntry } from './api';
import { StateBar } from './state-bar';

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

type Item = { kind: 'event'; at: string; e: TimelineEntry } | { kind: 'task'; at: string; s: TaskStep };

/**
 * Task rows keep whole seconds, events milliseconds: within one second the
 * image's creation comes first, then a task's creation, the events, and the
 * task's end last (the order an import runs in).
 */
function rank(i: Item): number {
  if (i.kind === 'event') return i.e.action === 'created' ? 0 : 2;
  return i.s.action === 'task_created' ? 1 : 3;
}

export function mergeTimeline(events: TimelineEntry[], tasks: ImportTaskEntry[]): Item[] {
  const items: Item[] = [...events.map((e) => ({ kind: 'event' as const, at: e.at, e })), ...tasks.flatMap(taskSteps).map((s) => ({ kind: 'task' as const, at: s.at, s }))];
  const second = (at: string) => Math.floor(new Date(at).getTime() / 1000);
  return items
    .map((item, n) => ({ item, n }))
    .sort((a, b) => second(a.item.at) - second(b.item.at) || rank(a.item) - rank(b.item) || new Date(a.item.at).getTime() - new Date(b.item.at).getTime() || a.n - b.n)
    .map(({ item }) => item);
}

export function Timeline({ events, tasks = [] }: { events: TimelineEntry[]; tasks?: ImportTaskEntry[] }) {
  if (events.length === 0 && tasks.length === 0) return <p className="text-sm text-slate-500">No events recorded for this image.</p>;
  const items = mergeTimeline(events, tasks);
  return (
    <>
    <StateBar events={events} />
    <ol className="relative ml-2 border-l-2 border-slate-200" aria-label="Status timeline" data-testid="timeline">
      {items.map((item, i) => {
        const next = items[i + 1];
        const took = next ? new Date(next.at).getTime() - new Date(item.at).getTime() : null;
        if (item.kind === 'task') return <TaskStepItem key={item.s.key} step={item.s} took={took} />;
        const e = item.e;
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
              {took !== null && <span> · next step after {formatDuration(Math.max(0, took))}</span>}
            </p>
          </li>
        );
      })}
    </ol>
    </>
  );
}

const TASK_DOT: Record<TaskStep['action'], string> = {
  task_created: 'bg-indigo-300',
  task_processing: 'bg-indigo-600',
  task_success: 'bg-emerald-600',
  task_failure: 'bg-red-600',
};

/** An import task's step: what it does, its progress or failure message. */
function TaskStepItem({ step, took }: { step: TaskStep; took: number | null }) {
  const failed = step.action === 'task_failure';
  return (
    <li className="mb-4 ml-4" data-testid="timeline-entry" data-action={step.action} data-task-id={step.taskId}>
      <span aria-hidden="true" className={`absolute -left-[7px] mt-1.5 h-3 w-3 rounded-full ${TASK_DOT[step.action]} ${step.action === 'task_processing' ? 'animate-pulse' : ''}`} />
      <p className="text-sm font-medium">{step.title}</p>
      {step.detail && (
        <p className={`text-sm break-all ${failed ? 'text-red-700' : 'text-slate-600'}`} data-testid={failed ? 'task-failure-message' : 'task-detail'}>
          {step.detail}
        </p>
      )}
      <p className="text-xs text-slate-500">
        <time dateTime={step.at}>{formatDate(step.at)}</time>
        <span className="font-mono"> · task {step.taskId.slice(0, 8)}</span>
        {took !== null && <span> · next step after {formatDuration(Math.max(0, took))}</span>}
      </p>
    </li>
  );
}
