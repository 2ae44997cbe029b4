// Lays out a state machine for drawing: states in columns by their longest
// forward distance from the start state (back edges found by a depth-first
// walk do not count), stacked within a column in table order. Nothing about
// Glance's states is written here; it all comes from the transition table.

export interface FlowNode {
  id: string;
  column: number;
  row: number;
}

export interface FlowEdge {
  from: string;
  to: string;
  /** Points backwards (or within a column): drawn as an arc so it does not cross the nodes. */
  back: boolean;
}

export function layoutFlow(states: readonly string[], transitions: Readonly<Record<string, readonly string[]>>, start = states[0]) {
  // Depth-first walk from the start: an edge to a state still on the stack closes a cycle.
  const backEdges = new Set<string>();
  const onStack = new Set<string>();
  const seen = new Set<string>();
  const visit = (s: string) => {
    seen.add(s);
    onStack.add(s);
    for (const t of transitions[s] ?? []) {
      if (onStack.has(t)) backEdges.add(`${s}>${t}`);
      else if (!seen.has(t)) visit(t);
    }
    onStack.delete(s);
  };
  visit(start);
  for (const s of states) if (!seen.has(s)) visit(s);

  // Longest path over the remaining (acyclic) edges.
  const column = new Map(states.map((s) => [s, 0]));
  for (let pass = 0; pass < states.length; pass++) {
    for (const s of states) {
      for (const t of transitions[s] ?? []) {
        if (backEdges.has(`${s}>${t}`)) continue;
        column.set(t, Math.max(column.get(t)!, column.get(s)! + 1));
      }
    }
  }
  const rows = new Map<number, number>();
  const nodes: FlowNode[] = states.map((id) => {
    const c = column.get(id)!;
    const row = rows.get(c) ?? 0;
    rows.set(c, row + 1);
    return { id, column: c, row };
  });
  const edges: FlowEdge[] = states.flatMap((s) =>
    (transitions[s] ?? []).map((t) => ({ from: s, to: t, back: column.get(t)! <= column.get(s)! })),
  );
  return { nodes, edges, columns: Math.max(...column.values()) + 1, rows: Math.max(...rows.values()) };
}

/** Event actions that mean something failed: their edges are drawn as failures. */
const FAILED_ACTIONS = new Set(['upload_failed', 'import_failed', 'upload_expired', 'upload_killed', 'reset_after_restart']);

/** The transitions an image went through, from its events' from/to pairs, oldest first; `failed`: those a failure took. */
export function tracedPath(events: { from: string | null; to: string | null; action?: string }[]): { states: string[]; edges: string[]; failed: string[] } {
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
