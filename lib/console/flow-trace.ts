// An image's path through the state machine, read from its events: the
// transitions it took (the diagram traces them) and the time it spent in
// each state (the diagram's nodes and the timeline's bar show it).

/** Event actions that mean something failed: their edges are drawn as failures. */
const FAILED_ACTIONS = new Set(['upload_failed', 'import_failed', 'upload_expired', 'upload_killed', 'reset_after_restart']);

type FlowEvent = { from: string | null; to: string | null; action?: string };

/** The transitions an image went through, from its events' from/to pairs, oldest first; `failed`: those a failure took. */
export function tracedPath(events: FlowEvent[]): { states: string[]; edges: string[]; failed: string[] } {
  const states: string[] = [];
  const edges: string[] = [];
  const failed: string[] = [];
  for (const e of events) {
    if (!e.to) continue;
    if (e.from && e.from !== e.to) edges.push(`${e.from}>${e.to}`);
    if (e.from && e.from !== e.to && e.action && FAILED_ACTIONS.has(e.action)) failed.push(`${e.from}>${e.to}`);
    if (e.from && !states.includes(e.from)) states.push(e.from);
    if (!states.includes(e.to)) states.push(e.to);
  }
  return { states, edges, failed };
}

export interface StateSpan {
  status: string;
  /** Milliseconds in the state (until now for the current one). */
  ms: number;
  start: string;
  /** The image is still in this state. */
  current: boolean;
  /** The event that ended the span was a failure: its action and (public) reason. */
  failure: { action: string; reason: string | null } | null;
}

/** Each stay in a state, oldest first; a state entered twice has two spans. `now`: epoch ms for the current stay. */
export function stateSpans(events: (FlowEvent & { at: string; reason?: string | null })[], now: number): StateSpan[] {
  const spans: StateSpan[] = [];
  for (const e of events) {
    if (!e.to || (e.from && e.from === e.to)) continue;
    const last = spans[spans.length - 1];
    if (last) {
      last.ms = Math.max(0, Date.parse(e.at) - Date.parse(last.start));
      last.current = false;
      if (e.action && FAILED_ACTIONS.has(e.action)) last.failure = { action: e.action, reason: e.reason ?? null };
    }
    spans.push({ status: e.to, ms: Math.max(0, now - Date.parse(e.at)), start: e.at, current: true, failure: null });
  }
  return spans;
}

/** Total time per state over all its stays. */
export function timePerState(spans: readonly StateSpan[]): Map<string, number> {
  const total = new Map<string, number>();
  for (const s of spans) total.set(s.status, (total.get(s.status) ?? 0) + s.ms);
  return total;
}
