// Lays out the state machine for drawing with ELK's layered algorithm
// (elkjs): layers left to right (wide screens) or top to bottom (phones),
// orthogonal edges that never cross a node and keep apart from each other,
// each label placed ON its edge (the line runs into it), so a reader can tell
// which action leads where. Run on the server, once per direction: the graph
// is static and elkjs is 1.6 MB, too much to ship to every browser.
// Nothing about Glance's states is written here; it all comes from the table.
import ELK from 'elkjs/lib/elk.bundled.js';
import type { ElkExtendedEdge, ElkLabel, ElkNode } from 'elkjs/lib/elk-api';
import type { BundleNote, FlowDirection, FlowLayout, LabelBox, LaidEdge } from './flow-types';

export interface TableEdge {
  from: string;
  to: string;
  label: string;
}

/** Node box and the label font's size (the SVG draws with the same figures). */
export const NODE = { width: 112, height: 60 };
export const LABEL_FONT = 12;
export const LINE_HEIGHT = 15;
/** A safe upper bound of a 12 px sans-serif glyph's advance, plus padding, so the drawn text fits its box. */
const labelWidth = (lines: string[]) => Math.ceil(Math.max(...lines.map((l) => l.length)) * 7 + 8);
/** Edge labels wrap at word boundaries to lines of about this many characters: narrow labels keep the layers narrow. */
const LINE_CHARS = 8;
/** A bundle's note wraps wider: it sits under a state as wide as this. */
const NOTE_CHARS = 14;

/** "upload failed, restart repair" -> ["upload", "failed,", "restart", "repair"]. */
export function wrapLabel(text: string, max = LINE_CHARS): string[] {
  const lines: string[] = [];
  for (const word of text.split(' ')) {
    const last = lines.length - 1;
    if (last >= 0 && lines[last].length + 1 + word.length <= max) lines[last] += ` ${word}`;
    else lines.push(word);
  }
  return lines;
}

/** At least this many edges with one label into one state are drawn as one bundle. */
const GROUP_MIN = 3;

/** Edges sharing label and target, many of them (the "delete" from every state), form a group drawn as one bundle. */
export function groupsOf(edges: readonly TableEdge[]): Map<string, TableEdge[]> {
  const byKey = new Map<string, TableEdge[]>();
  for (const e of edges) {
    const key = `${e.label}>${e.to}`;
    byKey.set(key, [...(byKey.get(key) ?? []), e]);
  }
  return new Map([...byKey].filter(([, list]) => list.length >= GROUP_MIN));
}

export const groupLabel = (label: string) => `${label} (from any state)`;

const sized = (id: string, text: string, chars: number): ElkLabel => {
  const lines = wrapLabel(text, chars);
  return { id, text, width: labelWidth(lines), height: lines.length * LINE_HEIGHT + 4 };
};

/** The layout's options, measured on Glance's table: spacing that keeps parallel edges a readable gap apart. */
const OPTIONS = {
  'elk.algorithm': 'layered',
  'elk.edgeRouting': 'ORTHOGONAL',
  // Merged edges share long trunks, and the labels on them float between parallel lines: every edge gets its own route.
  'elk.layered.mergeEdges': 'false',
  'elk.edgeLabels.placement': 'CENTER',
  // A label sits in the layer next to its edge's source: near where the action starts.
  'elk.layered.edgeLabels.centerLabelPlacementStrategy': 'TAIL_LAYER',
  'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
  'elk.layered.thoroughness': '30',
  'elk.spacing.nodeNode': '10',
  'elk.layered.spacing.nodeNodeBetweenLayers': '20',
  'elk.spacing.edgeNode': '8',
  'elk.spacing.edgeEdge': '12',
  'elk.layered.spacing.edgeNodeBetweenLayers': '8',
  'elk.spacing.labelNode': '4',
  'elk.padding': '[top=12,left=12,bottom=12,right=12]',
};

export async function layoutFlow(states: readonly string[], table: readonly TableEdge[], direction: FlowDirection): Promise<FlowLayout> {
  const groups = groupsOf(table);
  const groupOf = (e: TableEdge) => (groups.has(`${e.label}>${e.to}`) ? `${e.label}>${e.to}` : null);
  const side = direction === 'RIGHT' ? 'WEST' : 'NORTH';
  // A group's edges all enter their target through one port (one trunk at the end); its one label is a note under that
  // target, not on any of its edges: the console draws them only when their state is hovered or focused.
  const ports = new Map<string, string[]>();
  for (const [key, list] of groups) ports.set(list[0].to, [...(ports.get(list[0].to) ?? []), key]);
  const children: ElkNode[] = states.map((id) => ({
    id,
    ...NODE,
    ...(ports.has(id) && {
      layoutOptions: { 'elk.portConstraints': 'FIXED_SIDE', 'elk.nodeLabels.placement': 'OUTSIDE V_BOTTOM H_CENTER' },
      ports: ports.get(id)!.map((key) => ({ id: `port:${key}`, layoutOptions: { 'elk.port.side': side } })),
      labels: ports.get(id)!.map((key) => sized(`note:${key}`, groupLabel(groups.get(key)![0].label), NOTE_CHARS)),
    }),
  }));
  const edges: ElkExtendedEdge[] = table.map((e, i) => ({
    id: `e${i}`,
    sources: [e.from],
    targets: [groupOf(e) ? `port:${groupOf(e)}` : e.to],
    // Inline: the label is placed on its edge, which runs into it and out of it.
    labels: groupOf(e) ? [] : [{ ...sized(`l${i}`, e.label, LINE_CHARS), layoutOptions: { 'elk.edgeLabels.inline': 'true' } }],
  }));
  const graph: ElkNode = await new ELK().layout({
    id: 'flow',
    layoutOptions: {
      ...OPTIONS,
      'elk.direction': direction,
      // Measured on this table: the most compact readable drawings (about 1250 x 280 px left to right, 430 x 1080 top to
      // bottom); the phone's parallel runs between layers get the wider gap, as its drawing is scaled down to fit.
      'elk.layered.nodePlacement.strategy': direction === 'RIGHT' ? 'NETWORK_SIMPLEX' : 'SIMPLE',
      'elk.layered.spacing.edgeEdgeBetweenLayers': direction === 'RIGHT' ? '8' : '12',
    },
    children,
    edges,
  });
  const laidEdges: LaidEdge[] = (graph.edges ?? []).map((g, i) => {
    const e = table[i];
    const s = g.sections![0];
    const l = g.labels?.[0];
    return {
      id: `${e.from}>${e.to}`,
      from: e.from,
      to: e.to,
      label: e.label,
      group: groupOf(e),
      points: [s.startPoint, ...(s.bendPoints ?? []), s.endPoint].map((p) => [round(p.x), round(p.y)] as [number, number]),
      labelBox: l ? box(l, 0, 0, LINE_CHARS) : null,
    };
  });
  // Node labels are placed relative to their node.
  const notes: BundleNote[] = (graph.children ?? []).flatMap((c) =>
    (c.labels ?? []).map((l) => ({ ...box(l, c.x!, c.y!, NOTE_CHARS), group: l.id!.slice('note:'.length), at: c.id })),
  );
  return {
    direction,
    width: Math.ceil(graph.width!),
    height: Math.ceil(graph.height!),
    nodes: (graph.children ?? []).map((c) => ({ id: c.id, x: round(c.x!), y: round(c.y!), width: c.width!, height: c.height! })),
    edges: laidEdges,
    notes,
  };
}

const box = (l: ElkLabel, dx: number, dy: number, chars: number): LabelBox => ({
  lines: wrapLabel(l.text!, chars),
  x: round(dx + l.x!),
  y: round(dy + l.y!),
  width: l.width!,
  height: l.height!,
});

const round = (n: number) => Math.round(n * 10) / 10;
