/**
 * Boxes to an ELK graph and back. Every composite is an ELK compound node laid out by ELK
 * Layered with its children (hierarchy handling INCLUDE_CHILDREN, so edges may cross box
 * borders); leaf sizes come from their text (a monospace font: 7.2 px a character at 12 px).
 * Node positions come back relative to their parent box, edge points relative to the root
 * (`elk.json.edgeCoords: ROOT`), which is how the page draws them. Pure.
 */
import type { Box, BoxEdge } from '../model/step-tree.ts';

export interface ElkNode {
  id: string;
  x?: number;
  y?: number;
  width?: number;
  height?: number;
  children?: ElkNode[];
  edges?: ElkEdge[];
  layoutOptions?: Record<string, string>;
}

export interface ElkEdge {
  id: string;
  sources: string[];
  targets: string[];
  sections?: Array<{ startPoint: Point; endPoint: Point; bendPoints?: Point[] }>;
}

export interface Point {
  x: number;
  y: number;
}

/** A box where ELK put it: x, y relative to the parent box. */
export interface Placed {
  box: Box;
  x: number;
  y: number;
  width: number;
  height: number;
  children: Placed[];
}

export interface PlacedEdge {
  edge: BoxEdge;
  points: Point[];
}

export interface Picture {
  root: Placed;
  edges: PlacedEdge[];
  width: number;
  height: number;
}

const CHAR = 7.2;
/** room above a composite's children for its title */
export const HEADER = 36;

/** Size of a box without children: its label or detail, whichever is wider. */
export function leafSize(box: Box): { width: number; height: number } {
  if (box.summary) return { width: 250, height: 78 };
  // the second line (kind and detail) is smaller, about 6.1 px a character
  const second = box.kind.length + (box.detail ? box.detail.length + 3 : 0);
  return { width: Math.min(280, Math.round(Math.max(box.label.length * CHAR, second * 6.1, 50) + 26)), height: 46 };
}

export function toElk(root: Box): ElkNode {
  const byId = new Map<string, BoxEdge>();
  const node = (b: Box): ElkNode => {
    const n: ElkNode = { id: b.id || '(run)' };
    if (b.children.length === 0) {
      Object.assign(n, leafSize(b));
      return n;
    }
    n.children = b.children.map(node);
    n.edges = b.edges.map((e) => {
      byId.set(e.id, e);
      return { id: e.id, sources: [e.source], targets: [e.target] };
    });
    const title = Math.min(420, Math.round(b.label.length * CHAR + 40));
    n.layoutOptions = {
      'elk.padding': `[top=${HEADER},left=10,bottom=10,right=10]`,
      // A composite at least as wide as its title.
      'elk.nodeSize.constraints': 'MINIMUM_SIZE',
      'elk.nodeSize.minimum': `(${title}, ${HEADER + 20})`,
    };
    return n;
  };
  const top = node(root);
  top.layoutOptions = {
    ...top.layoutOptions,
    'elk.algorithm': 'layered',
    'elk.direction': 'RIGHT',
    'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
    'elk.edgeRouting': 'ORTHOGONAL',
    'elk.layered.spacing.nodeNodeBetweenLayers': '36',
    'elk.spacing.nodeNode': '14',
    'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
    'elk.json.edgeCoords': 'ROOT',
    'elk.padding': '[top=10,left=10,bottom=10,right=10]',
  };
  return top;
}

/** The laid-out ELK graph back onto the boxes it was made from. */
export function fromElk(root: Box, laid: ElkNode): Picture {
  const edges: PlacedEdge[] = [];
  const edgeOf = new Map<string, BoxEdge>();
  const collect = (b: Box) => {
    for (const e of b.edges) edgeOf.set(e.id, e);
    for (const c of b.children) collect(c);
  };
  collect(root);
  const place = (b: Box, n: ElkNode): Placed => {
    for (const e of n.edges ?? []) {
      const edge = edgeOf.get(e.id);
      const s = e.sections?.[0];
      if (edge && s) edges.push({ edge, points: [s.startPoint, ...(s.bendPoints ?? []), s.endPoint] });
    }
    const kids = n.children ?? [];
    return { box: b, x: n.x ?? 0, y: n.y ?? 0, width: n.width ?? 0, height: n.height ?? 0, children: b.children.map((c, i) => place(c, kids[i])) };
  };
  const placed = place(root, laid);
  return { root: placed, edges, width: placed.width, height: placed.height };
}
