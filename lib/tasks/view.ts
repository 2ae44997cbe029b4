// Tasks as Glance shows them: GET /v2/tasks/{id} (_format_task), the list's
// stubs (_format_task_stub) and GET /v2/images/{id}/tasks, which Glance
// serializes straight from its database rows (_task_format, datetimes
// as isoformat() with microseconds, no "Z").
import { isoSeconds } from '@/lib/images/view';
import type { TaskRow } from './repository';

function parsed(text: string | null | undefined): unknown {
  if (text === null || text === undefined) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** Glance's JSON serializer for a DB datetime: isoformat() with microseconds (seen: "2026-12-03T11:59:49.000000"). */
function pyIso(d: Date | null): string | null {
  return d ? d.toISOString().replace(/\.(\d{3})Z$/, '.$1000') : null;
}

export function taskView(t: TaskRow): Record<string, unknown> {
  const view: Record<string, unknown> = {
    id: t.id,
    input: parsed(t.info?.input),
    type: t.type,
    status: t.status,
    owner: t.owner,
    message: t.info?.message ?? '',
    result: parsed(t.info?.result),
    created_at: isoSeconds(t.createdAt),
    updated_at: isoSeconds(t.updatedAt),
    self: `/v2/tasks/${t.id}`,
    schema: '/v2/schemas/task',
  };
  if (t.imageId) view.image_id = t.imageId;
  if (t.requestId) view.request_id = t.requestId;
  if (t.userId) view.user_id = t.userId;
  if (t.expiresAt) view.expires_at = isoSeconds(t.expiresAt);
  return view;
}

export function taskStubView(t: TaskRow): Record<string, unknown> {
  const view: Record<string, unknown> = {
    id: t.id,
    type: t.type,
    status: t.status,
    owner: t.owner,
    created_at: isoSeconds(t.createdAt),
    updated_at: isoSeconds(t.updatedAt),
    self: `/v2/tasks/${t.id}`,
    schema: '/v2/schemas/task',
  };
  if (t.expiresAt) view.expires_at = isoSeconds(t.expiresAt);
  return view;
}

/** One row of GET /v2/images/{id}/tasks: the database row as Glance's _task_format dict. */
export function imageTaskView(t: TaskRow): Record<string, unknown> {
  return {
    id: t.id,
    type: t.type,
    status: t.status,
    owner: t.owner,
    expires_at: pyIso(t.expiresAt),
    created_at: pyIso(t.createdAt),
    updated_at: pyIso(t.updatedAt),
    deleted_at: pyIso(t.deletedAt),
    deleted: t.deleted,
    image_id: t.imageId,
    request_id: t.requestId,
    user_id: t.userId,
    input: parsed(t.info?.input),
    result: parsed(t.info?.result),
    message: t.info?.message ?? null,
  };
}
