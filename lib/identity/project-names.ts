// Project id -> name for the console's owner and member columns, as Horizon
// shows them: one directory query per page for the ids not seen lately, kept 30 s.
import { db } from '@/lib/db/client';
import { identityEnabled } from './enabled';
import { projectNameCache } from './project-name-cache';

/** The embedded identity service's projects; with identity delegated to another Keystone nothing is known here. */
async function loadFromDirectory(ids: string[]): Promise<Map<string, string>> {
  if (!identityEnabled()) return new Map();
  const rows = await db().identityProject.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } });
  return new Map(rows.map((r) => [r.id, r.name]));
}

/** Names of those of `ids` the identity directory holds; unknown ids (deleted projects, an external Keystone) are left out. */
export const projectNames = projectNameCache(loadFromDirectory);
