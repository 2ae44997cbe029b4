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

export const TRANSITIONS: Readonly<Record<ImageStatus, readonly ImageStatus[]>> = {
  queued: ['saving', 'uploading', 'importing', 'active', 'deleted'],
  saving: ['active', 'killed', 'deleted', 'queued'],
  uploading: ['importing', 'queued', 'deleted'],
  importing: ['active', 'deleted', 'queued'],
  active: ['pending_delete', 'deleted', 'deactivated'],
  killed: ['deleted'],
  pending_delete: ['deleted', 'active'],
  deleted: [],
  deactivated: ['active', 'deleted'],
};

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

/** Throw unless from → to is in the table. Same-state "transitions" are not. */
export function assertTransition(from: string, to: ImageStatus): void {
  if (!isImageStatus(from) || !canTransition(from, to)) throw new InvalidTransitionError(from, to);
}
