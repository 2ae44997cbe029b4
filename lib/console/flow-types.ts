// The status-flow diagram's laid-out geometry, as the server sends it to the
// console (flow-layout.ts computes it; components/console/status-flow.tsx draws it).

/** RIGHT: layers left to right (wide screens); DOWN: top to bottom (phones). */
export type FlowDirection = 'RIGHT' | 'DOWN';

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface LaidNode extends Box {
  id: string;
}

export interface LaidEdge {
  /** "from>to". */
  id: string;
  from: string;
  to: string;
  /** The table's action label. */
  label: string;
  /** Set for an edge drawn in a bundle with others of the same label and target ("delete" from every state). */
  group: string | null;
  /** The orthogonal route, start to end. */
  points: [number, number][];
  /** Where the label goes (its text wrapped to lines), on the edge itself; a bundle's edges have none (see FlowLayout.notes). */
  labelBox: LabelBox | null;
}

export interface LabelBox extends Box {
  lines: string[];
}

/** A bundle's one label ("delete (from any state)"), a quiet note beside the bundle's target state. */
export interface BundleNote extends LabelBox {
  /** The bundle's key, as LaidEdge.group. */
  group: string;
  /** The state it sits beside. */
  at: string;
}

export interface FlowLayout {
  direction: FlowDirection;
  width: number;
  height: number;
  nodes: LaidNode[];
  edges: LaidEdge[];
  notes: BundleNote[];
}
