// What an import method is: one file per method under lib/imports/methods/,
// listed in ./index.ts. The request checks common to every method (status,
// lock, stores) are in lib/imports/start.ts, the task's course (statuses,
// reserved properties, per-store results, clean-up) in lib/imports/run.ts;
// a method only says where its data comes from.
import type { RequestContext } from '@/lib/auth/context';
import type { ImportRequest } from '../body';
import type { StoreDriver, StoredData } from '@/lib/stores/driver';
import type { ContentInspection } from '@/lib/images/content-check';

export interface ImportMethod {
  /** Glance's method name (method.name, /v2/info/import). */
  readonly name: string;
  /** Glance's status precondition, checked in Glance's order by start.ts: its 409 message when `status` is not allowed. */
  statusConflict(status: string): string | null;
  /** copy-image: works on an active image, which stays active (Glance never moves it to importing). */
  readonly onActiveImage?: boolean;
  /** Whether it can work with this configuration (copy-image needs several stores); listed and accepted only then. */
  available?(): boolean;
  /** The target stores from those requested (all_stores: every store); [] means nothing to do. Throws Glance's 400. */
  pickTargets?(imageId: string, picked: string[], allStores: boolean): Promise<string[]>;
  /** A failure to open its data counts against every target store (Glance's download plugins' revert). */
  readonly openFailsEveryStore?: boolean;
  /** The method's own body checks, right after the image's format checks (Glance's order); may fill in defaults. */
  checkBody?(req: ImportRequest): void;
  /** Further request checks (e.g. web-download's URI filtering), after the common ones; throw Glance's 4xx. */
  check?(ctx: RequestContext, req: ImportRequest): Promise<void> | void;
  /** The task was accepted: what the run needs from the request (e.g. the user's token), kept in memory. */
  accepted?(ctx: RequestContext, taskId: string): void;
  /** Opens the method's data for one run of a task (possibly a run resumed after a restart). */
  open(job: ImportJob): Promise<ImportSource>;
}

export interface ImportJob {
  imageId: string;
  taskId: string;
  request: Record<string, unknown>;
  /** How many stores will read the source (more than one: a streamed source must be kept first). */
  targets: number;
}

/** The data of one run, written into each target store in turn. */
export interface ImportSource {
  /** Bytes expected, when known (the staged size). */
  readonly size: number | null;
  /** Into `store`; `last`: no other store will read this source afterwards (a staged file may then be moved). */
  into(store: StoreDriver, opts: { cap: number; capError?: () => Error; check: ContentInspection; last: boolean }): Promise<StoredData>;
  /** The run ended (either way): whatever the source kept (staged data) goes. */
  discard(): Promise<void>;
  /** The run failed: undo what open() changed on the image (glance-download's copied metadata). */
  revert?(): Promise<void>;
}
