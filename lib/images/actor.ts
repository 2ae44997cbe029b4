// Who changes an image: a user acting through a request (a RequestContext is
// one), or the server on its own (start-up repair, the staging sweeper).
export interface UserActor {
  requestId: string;
  userId: string | null;
  projectId: string | null;
}

export type ServerTask = 'startup-repair' | 'node-repair' | 'staging-sweeper' | 'upload-cleanup' | 'import-task' | 'scrubber' | 'operator';

export interface ServerActor {
  server: ServerTask;
}

export type Actor = UserActor | ServerActor;

export function serverActor(task: ServerTask): ServerActor {
  return { server: task };
}

export function isServerActor(actor: Actor): actor is ServerActor {
  return 'server' in actor;
}

/** The columns an image event keeps about its actor: none for the server itself. */
export function actorColumns(actor: Actor): { requestId: string | null; userId: string | null; projectId: string | null } {
  if (isServerActor(actor)) return { requestId: null, userId: null, projectId: null };
  return { requestId: actor.requestId, userId: actor.userId, projectId: actor.projectId };
}
