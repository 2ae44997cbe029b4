// An import task's steps on an image's timeline, beside the image's events:
// created, then (as the task row tells: it keeps one status and an update
// time) processing, succeeded or failed with its message. No server code:
// the browser bundle uses it.
import type { ImportTaskEntry } from './import-tasks';

export type TaskStepAction = 'task_created' | 'task_processing' | 'task_success' | 'task_failure';

export interface TaskStep {
  key: string;
  taskId: string;
  action: TaskStepAction;
  at: string;
  title: string;
  detail: string | null;
}

const METHOD_NAMES: Record<string, string> = {
  'web-download': 'web-download',
  'copy-image': 'copy-image',
  'glance-direct': 'glance-direct',
  'glance-download': 'glance-download',
};

/** "web-download from https://…", "copy-image to bulk". */
export function taskSummary(t: ImportTaskEntry): string {
  const method = t.method ? METHOD_NAMES[t.method] ?? t.method : 'import';
  const from = t.uri ? ` from ${t.uri}` : '';
  const to = t.stores.length ? ` to ${t.stores.length > 1 ? 'stores' : 'store'} ${t.stores.join(', ')}` : '';
  return `${method}${from}${to}`;
}

export function taskSteps(t: ImportTaskEntry): TaskStep[] {
  const steps: TaskStep[] = [
    { key: `${t.id}:created`, taskId: t.id, action: 'task_created', at: t.createdAt, title: 'Import task created', detail: taskSummary(t) },
  ];
  const end: Record<Exclude<ImportTaskEntry['status'], 'pending'>, [TaskStepAction, string]> = {
    processing: ['task_processing', 'Import task processing'],
    success: ['task_success', 'Import task succeeded'],
    failure: ['task_failure', 'Import task failed'],
  };
  if (t.status !== 'pending') {
    const [action, title] = end[t.status];
    steps.push({ key: `${t.id}:${t.status}`, taskId: t.id, action, at: t.updatedAt, title, detail: t.message });
  }
  return steps;
}

/** Whether an import is under way: a task not ended, or stores still being written to. */
export function importRunning(tasks: readonly ImportTaskEntry[], importingTo: unknown): boolean {
  return tasks.some((t) => t.status === 'pending' || t.status === 'processing') || (typeof importingTo === 'string' && importingTo !== '');
}

/** A comma-separated store property (os_glance_importing_to_stores, os_glance_failed_import) as a list. */
export function storeList(value: unknown): string[] {
  return typeof value === 'string' ? value.split(',').map((s) => s.trim()).filter(Boolean) : [];
}
