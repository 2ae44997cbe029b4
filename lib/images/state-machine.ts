// The image state machine: the one table of allowed transitions, as Glance
// keeps it in its domain model. The API enforces it (transition()), the
// database stores its states, and the console's status-flow diagram is drawn
// from it.

export const IMAGE_STATUSES = [
  'queued',
  'saving',
  'uploading',
  'importing',
  'active',
  'deactivated',
  'killed',
  'pending_delete',
  'deleted',
] as const;

export type ImageStatus = (typeof IMAGE_STATUSES)[number];

/** What makes an image change status; each is also the action of the image event it records. */
export const TRANSITION_ACTIONS = [
  'upload_started',
  'upload_finished',
  'upload_failed',
  'upload_killed',
  'upload_cancelled',
  'upload_expired',
  'import_started',
  'imported',
  'import_failed',
  'location_added',
  'deactivated',
  'reactivated',
  'deleted',
  'delayed_delete',
  'scrubbed',
  'restored',
  'reset_after_restart',
] as const;

export type TransitionAction = (typeof TRANSITION_ACTIONS)[number];

export interface Edge {
  from: ImageStatus;
  to: ImageStatus;
  /** Every action allowed to take this edge. */
  actions: readonly TransitionAction[];
  /** For people: the diagram's edge label, in the console's one vocabulary (issue 14's list of actions). */
  label: string;
}

/**
 * The one table: every allowed status change and what may cause it. Glance's
 * valid_state_targets, in its order, with the causes this service knows
 * (some, like location_added or scrubbed, are kept for the features to come).
 */
export const EDGES: readonly Edge[] = [
  { from: 'queued', to: 'saving', actions: ['upload_started'], label: 'upload started' },
  { from: 'queued', to: 'uploading', actions: ['upload_started'], label: 'stage' },
  { from: 'queued', to: 'importing', actions: ['import_started'], label: 'import' },
  { from: 'queued', to: 'active', actions: ['location_added'], label: 'add location' },
  { from: 'queued', to: 'deleted', actions: ['deleted'], label: 'delete' },
  { from: 'saving', to: 'active', actions: ['upload_finished'], label: 'upload finished' },
  { from: 'saving', to: 'killed', actions: ['upload_killed'], label: 'upload failed' },
  { from: 'saving', to: 'deleted', actions: ['deleted'], label: 'delete' },
  { from: 'saving', to: 'queued', actions: ['upload_failed', 'reset_after_restart'], label: 'upload failed, restart repair' },
  { from: 'uploading', to: 'importing', actions: ['import_started'], label: 'import' },
  { from: 'uploading', to: 'queued', actions: ['upload_cancelled', 'upload_expired', 'upload_failed', 'import_failed'], label: 'upload failed' },
  { from: 'uploading', to: 'deleted', actions: ['deleted'], label: 'delete' },
  { from: 'importing', to: 'active', actions: ['imported'], label: 'import finished' },
  { from: 'importing', to: 'deleted', actions: ['deleted'], label: 'delete' },
  { from: 'importing', to: 'queued', actions: ['import_failed'], label: 'import failed' },
  { from: 'active', to: 'pending_delete', actions: ['delayed_delete'], label: 'delayed delete' },
  { from: 'active', to: 'deleted', actions: ['deleted'], label: 'delete' },
  { from: 'active', to: 'deactivated', actions: ['deactivated'], label: 'deactivate' },
  { from: 'killed', to: 'deleted', actions: ['deleted'], label: 'delete' },
  { from: 'pending_delete', to: 'deleted', actions: ['scrubbed', 'deleted'], label: 'scrub' },
  { from: 'pending_delete', to: 'active', actions: ['restored'], label: 'restore' },
  { from: 'deactivated', to: 'active', actions: ['reactivated'], label: 'reactivate' },
  { from: 'deactivated', to: 'deleted', actions: ['deleted'], label: 'delete' },
];

/** The statuses each status may go to, read from EDGES (the diagram draws these). */
export const TRANSITIONS: Readonly<Record<ImageStatus, readonly ImageStatus[]>> = targetsByStatus(EDGES);

function targetsByStatus(edges: readonly Edge[]): Record<ImageStatus, ImageStatus[]> {
  const targets = {} as Record<ImageStatus, ImageStatus[]>;
  for (const s of IMAGE_STATUSES) targets[s] = edges.filter((e) => e.from === s).map((e) => e.to);
  return targets;
}

/** What each state means, for people (console legend, docs). */
export const STATUS_DESCRIPTIONS: Readonly<Record<ImageStatus, string>> = {
  queued: 'The image record exists; no data has been uploaded yet.',
  saving: 'Image data is being uploaded (PUT /file).',
  uploading: 'Data is being staged for an import.',
  importing: 'Staged data is being imported into the store.',
  active: 'Data is fully uploaded; the image can be used.',
  deactivated: 'Data download is forbidden to non-admins.',
  killed: 'An error happened while data was being written.',
  pending_delete: 'Deleted, data awaiting removal.',
  deleted: 'The record is kept; the image can no longer be used.',
};

export function isImageStatus(s: string): s is ImageStatus {
  return (IMAGE_STATUSES as readonly string[]).includes(s);
}

export function canTransition(from: ImageStatus, to: ImageStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

export class InvalidTransitionError extends Error {
  constructor(readonly from: string, readonly to: string) {
    // Glance's wording, which clients see in 409 bodies.
    super(`Image status transition from ${from} to ${to} is not allowed`);
  }
}

/** May `action` move an image from `from` to `to`? */
export function allowsAction(from: string, to: ImageStatus, action: TransitionAction): boolean {
  return EDGES.some((e) => e.from === from && e.to === to && e.actions.includes(action));
}

/** The statuses from which `action` may move an image to `to` (the precondition of that action). */
export function sourcesOf(action: TransitionAction, to: ImageStatus): ImageStatus[] {
  return EDGES.filter((e) => e.to === to && e.actions.includes(action)).map((e) => e.from);
}

/** Throw unless `action` may take from → to; the message is the same as for a missing edge. */
export function assertAction(from: string, to: ImageStatus, action: TransitionAction): void {
  if (!allowsAction(from, to, action)) throw new InvalidTransitionError(from, to);
}

/** Throw unless from → to is in the table. Same-state "transitions" are not. */
export function assertTransition(from: string, to: ImageStatus): void {
  if (!isImageStatus(from) || !canTransition(from, to)) throw new InvalidTransitionError(from, to);
}
