// An import task of GET /v2/images/{id}/tasks as a person reads it on the
// console: method, source (credentials masked), target stores, status and
// message (a raw store error replaced by a plain text, as the timeline does).
import { publicFailureReason } from '@/lib/images/failure-reasons';
import { redactUri } from '@/lib/imports/web/uri-filter';

export const TASK_STATUSES = ['pending', 'processing', 'success', 'failure'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

/** One import task as the timeline draws it. */
export interface ImportTaskEntry {
  id: string;
  status: TaskStatus;
  method: string | null;
  /** web-download's source, credentials masked. */
  uri: string | null;
  /** The stores the task writes to (multi-store), none on a single-store site. */
  stores: string[];
  /** The task's message: progress ("Copied 3 MiB") or why it failed. */
  message: string | null;
  createdAt: string;
  updatedAt: string;
}

/** Errno codes or file paths: a raw store error the console does not show (the API's task keeps it). */
const RAW = /\bE[A-Z]{3,}\b|(?:^|[\s'"(=])\/(?:[\w.-]+\/)+/;

/** A task message as shown: Glance's own words (web-download refusals, HTTP errors) as they are, a raw store error as a plain text. */
export function publicTaskMessage(message: string | null): string | null {
  if (!message) return null;
  return RAW.test(message) ? publicFailureReason(message) : message;
}

/** A task row of GET /v2/images/{id}/tasks as a timeline entry. */
export function importTaskEntry(t: Record<string, unknown>): ImportTaskEntry {
  const input = (t.input ?? {}) as { import_req?: { method?: { name?: unknown; uri?: unknown } }; backend?: unknown };
  const method = input.import_req?.method;
  const stores = Array.isArray(input.backend) ? input.backend.filter((s): s is string => typeof s === 'string') : [];
  const status = TASK_STATUSES.includes(t.status as TaskStatus) ? (t.status as TaskStatus) : 'pending';
  // Glance's rows carry isoformat() without a zone: they are UTC.
  const utc = (v: unknown) => (typeof v === 'string' ? (/[zZ]|[+-]\d\d:\d\d$/.test(v) ? v : `${v}Z`) : new Date(0).toISOString());
  return {
    id: String(t.id),
    status,
    method: typeof method?.name === 'string' ? method.name : null,
    uri: typeof method?.uri === 'string' ? redactUri(method.uri) : null,
    stores,
    message: publicTaskMessage(typeof t.message === 'string' ? t.message : null),
    createdAt: new Date(utc(t.created_at)).toISOString(),
    updatedAt: new Date(utc(t.updated_at ?? t.created_at)).toISOString(),
  };
}

