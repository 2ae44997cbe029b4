// Lays out the state machine for drawing with ELK's layered algorithm
// (elkjs): layers left to right (wide screens) or top to bottom (phones),
// orthogonal edges that never cross a node, edge labels placed by the layout
// so they overlap nothing. Run on the server, once per direction: the graph
// is static and elkjs is 1.6 MB, too much to ship to every browser.
// Nothing about Glance's states is written here; it all comes from the table.
import ELK from 'elkjs/lib/elk.bundled.js';
import type { ElkExtendedEdge, ElkNode } from 'elkjs/lib/elk-api';
import type { FlowDirection, FlowLayout, LaidEdge } from './flow-types';

export interface TableEdge {
  from: string;
  to: string;
  label: string;
}

/** Node box and the label font's size (the SVG draws with the same figures). */
export const NODE = { width: 112, height: 60 };
export const LABEL_FONT = 12;
/** A safe upper bound of a 12 px sans-serif glyph's advance, plus padding, so the drawn text fits its box. */
const labelWidth = (lines: string[]) => Math.ceil(Math.max(...lines.map((l) => l.length)) * 7 + 8);
export const LINE_HEIGHT = 15;
/** Labels wrap at word boundaries to lines of about this many characters: narrow labels keep the layers narrow. */
const LINE_CHARS = 8;

/** "upload failed, restart repair" -> ["upload failed,", "restart repair"]. */
export function wrapLabel(text: string, max = LINE_CHARS): string[] {
  const lines: string[] = [];
  for (const word of text.split(' ')) {
    const last = lines.length - 1;
    if (last >= 0 && lines[last].length + 1 + word.length <= max) lines[last] += ` ${word}`;
    else lines.push(word);
  }
  return lines;
}
/** At least this many edges with one label into one state are drawn as one labeled bundle. */
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

export async function layoutFlow(states: readonly string[], table: readonly TableEdge[], direction: FlowDirection): Promise<FlowLayout> {
  const groups = groupsOf(table);
  const inGroup = (e: TableEdge) => groups.has(`${e.label}>${e.to}`);
  const side = direction === 'RIGHT' ? 'WEST' : 'NORTH';
  // A group's edges all enter their target through one port: ELK then merges them into one trunk.
  const ports = new Map<string, string[]>();
  for (const [key, list] of groups) ports.set(list[0].to, [...(ports.get(list[0].to) ?? []), key]);
  const children: ElkNode[] = states.map((id) => ({
    id,
    ...NODE,
    ...(ports.has(id) && {
      layoutOptions: { 'elk.portConstraints': 'FIXED_SIDE' },
      ports: ports.get(id)!.map((key) => ({ id: `port:${key}`, layoutOptions: { 'elk.port.side': side } })),
    }),
  }));
  const labelled = new Set<string>();
  const edges: ElkExtendedEdge[] = table.map((e, i) => {
    const key = `${e.label}>${e.to}`;
    // A group's label rides on its first edge only: one label for the bundle.
    const text = inGroup(e) ? (labelled.has(key) ? null : groupLabel(e.label)) : e.label;
    if (inGroup(e)) labelled.add(key);
    return {
      id: `e${i}`,
      sources: [e.from],
      targets: [inGroup(e) ? `port:${key}` : e.to],
      labels: text ? [{ id: `l${i}`, text, width: labelWidth(wrapLabel(text)), height: wrapLabel(text).length * LINE_HEIGHT + 4 }] : [],
    };
  });
  const graph: ElkNode = await new ELK().layout({
    id: 'flow',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': direction,
      'elk.edgeRouting': 'ORTHOGONAL',
      'elk.layered.mergeEdges': 'true',
      'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
      // Measured on this table: the narrowest drawings (1250 px wide left to right, 430 px top to bottom).
      'elk.layered.nodePlacement.strategy': direction === 'RIGHT' ? 'NETWORK_SIMPLEX' : 'SIMPLE',
      'elk.spacing.nodeNode': '10',
      'elk.layered.spacing.nodeNodeBetweenLayers': '24',
      'elk.spacing.edgeNode': '6',
      'elk.spacing.edgeEdge': '6',
      'elk.spacing.edgeLabel': '3',
      'elk.padding': '[top=12,left=12,bottom=12,right=12]',
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
      group: inGroup(e) ? `${e.label}>${e.to}` : null,
      points: [s.startPoint, ...(s.bendPoints ?? []), s.endPoint].map((p) => [round(p.x), round(p.y)] as [number, number]),
      labelBox: l ? { lines: wrapLabel(l.text!), x: round(l.x!), y: round(l.y!), width: l.width!, height: l.height! } : null,
    };
  });
  return {
    direction,
    width: Math.ceil(graph.width!),
    height: Math.ceil(graph.height!),
    nodes: (graph.children ?? []).map((c) => ({ id: c.id, x: round(c.x!), y: round(c.y!), width: c.width!, height: c.height! })),
    edges: laidEdges,
  };
}

const round = (n: number) => Math.round(n * 10) / 10;
