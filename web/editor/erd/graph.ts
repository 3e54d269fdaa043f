// The model document as a graph: one node per entity type with its fields, one edge per
// relationship, and a dashed edge for each reference field no relationship covers (it
// still points somewhere, and hiding it would misstate the model).
//
// The store hands over a fresh copy of the whole document after every edit, so the builder
// compares each entity type by content and keeps the node object of one that did not
// change: xyflow and the memoised node component then skip it, which keeps a model of
// 100 types × 30 fields fluid while one of them is edited.
import { graphlib, layout } from "@dagrejs/dagre";
import { type Edge, MarkerType, type Node } from "@xyflow/react";
import type { Model, Relationship } from "../../../src/model/schema";

export interface FieldRow {
  name: string;
  type: string;
  required: boolean;
  unique: boolean;
  /** The target entity type of a reference field. */
  target?: string;
  display: boolean;
}

export type EntityNodeData = { name: string; label?: string; fields: FieldRow[] };
export type EntityNode = Node<EntityNodeData, "entity">;
/** A relationship's edge names it; a bare reference field's edge names the field ("task.project"). */
export type ErdEdgeData = {
  relationship?: string;
  field?: string;
  /** Among several edges between the same two types: how far this one is moved aside (…, -1, 0, 1, …; halves for an even count). */
  lane?: number;
  /** The same, counted from 0 (loops of a type related to itself nest by it). */
  index?: number;
};
export type ErdEdge = Edge<ErdEdgeData>;
export type XY = { x: number; y: number };

// Sizes dagre plans with; the node's CSS keeps to them so edges meet the boxes.
export const NODE_WIDTH = 260;
export const HEADER_HEIGHT = 36;
export const ROW_HEIGHT = 22;
/** Header, rows, the list's padding (8) and the border (2). */
export const nodeHeight = (fields: number) => HEADER_HEIGHT + Math.max(fields, 1) * ROW_HEIGHT + 10;

export const relEdgeId = (name: string) => `rel:${name}`;
/** The relationship an edge id stands for, if it is one. */
export const relOfEdge = (id: string) => (id.startsWith("rel:") ? id.slice(4) : undefined);

/** For 1:1 and 1:n, the reference field on `to` that holds the relationship (docs/model-format.md). */
export function coveredField(doc: Model, r: Relationship): string | undefined {
  if (r.kind === "n:m") return undefined;
  if (r.inverse) return r.inverse;
  return doc.entities.find((e) => e.name === r.to)?.fields.find((f) => f.type === "reference" && f.entity === r.from)?.name;
}

// Dagre rather than elkjs: dagre is small and synchronous, and its layered layout is all
// an entity graph of this size needs; elkjs is a large asynchronous (worker) engine.
/** Top-left corners for every node, laid out left to right along the edges. */
export function autoLayout(nodes: { id: string; fields: number }[], edges: { source: string; target: string; id: string }[]): Map<string, XY> {
  const g = new graphlib.Graph({ multigraph: true });
  g.setGraph({ rankdir: "LR", nodesep: 40, ranksep: 90, marginx: 20, marginy: 20 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of nodes) g.setNode(n.id, { width: NODE_WIDTH, height: nodeHeight(n.fields) });
  for (const e of edges) if (e.source !== e.target) g.setEdge(e.source, e.target, {}, e.id);
  layout(g);
  const at = new Map<string, XY>();
  for (const n of nodes) {
    const p = g.node(n.id);
    // dagre gives centres, xyflow wants top-left corners.
    at.set(n.id, { x: Math.round(p.x - NODE_WIDTH / 2), y: Math.round(p.y - nodeHeight(n.fields) / 2) });
  }
  return at;
}

// An edge points from the type referred to (`from`) to the one holding the reference (`to`).
const ARROW = { type: MarkerType.ArrowClosed, width: 16, height: 16 };

/**
 * The top-left corner nearest to `want` where a new type (one field) overlaps no node:
 * tried on rings of growing distance, so it lands where the user looks whenever it can.
 */
export function freeSpot(want: XY, nodes: { position: XY; measured?: { width?: number; height?: number }; initialHeight?: number }[]): XY {
  const GAP = 24;
  const w = NODE_WIDTH;
  const h = nodeHeight(1);
  const free = (p: XY) =>
    nodes.every((n) => {
      const nw = n.measured?.width ?? NODE_WIDTH;
      const nh = n.measured?.height ?? n.initialHeight ?? nodeHeight(1);
      return p.x + w + GAP <= n.position.x || n.position.x + nw + GAP <= p.x || p.y + h + GAP <= n.position.y || n.position.y + nh + GAP <= p.y;
    });
  const STEP = 40;
  for (let ring = 0; ring <= 60; ring++) {
    let best: XY | null = null;
    for (let dx = -ring; dx <= ring; dx++)
      for (let dy = -ring; dy <= ring; dy++) {
        if (Math.max(Math.abs(dx), Math.abs(dy)) !== ring || (best && Math.hypot(dx, dy) * STEP >= Math.hypot(best.x - want.x, best.y - want.y))) continue;
        const p = { x: Math.round(want.x + dx * STEP), y: Math.round(want.y + dy * STEP) };
        if (free(p)) best = p;
      }
    if (best) return best;
  }
  return { x: Math.round(want.x), y: Math.round(want.y) };
}

function edgesOf(doc: Model): ErdEdge[] {
  const names = new Set(doc.entities.map((e) => e.name));
  const relationships = (doc.relationships ?? []).filter((r) => names.has(r.from) && names.has(r.to));
  const edges: ErdEdge[] = relationships.map((r) => ({
    id: relEdgeId(r.name),
    type: "erd",
    source: r.from,
    target: r.to,
    label: r.kind,
    ariaLabel: `${r.label ?? r.name}: ${r.from} ${r.kind} ${r.to}`,
    className: "erd-edge",
    markerEnd: ARROW,
    data: { relationship: r.name },
  }));
  const covered = new Set(relationships.map((r) => `${r.to}.${coveredField(doc, r)}`));
  for (const e of doc.entities)
    for (const f of e.fields)
      if (f.type === "reference" && f.entity && names.has(f.entity) && !covered.has(`${e.name}.${f.name}`))
        edges.push({
          id: `ref:${e.name}.${f.name}`,
          type: "erd",
          source: f.entity,
          target: e.name,
          label: f.name,
          ariaLabel: `${e.name}.${f.name} → ${f.entity}`,
          className: "erd-edge erd-edge-reference",
          style: { strokeDasharray: "6 4" },
          markerEnd: ARROW,
          // Only relationships are edited from the diagram; a bare reference field is the entity editor's.
          selectable: false,
          focusable: false,
          data: { field: `${e.name}.${f.name}` },
        });
  // Edges between the same two types (an n:m beside a bare reference, two relationships)
  // would lie on top of each other, labels and all: each gets its own lane.
  const pairs = new Map<string, ErdEdge[]>();
  for (const e of edges) {
    const key = [e.source, e.target].sort().join("\u0000");
    pairs.set(key, [...(pairs.get(key) ?? []), e]);
  }
  for (const group of pairs.values()) if (group.length > 1) group.forEach((e, i) => (e.data = { ...e.data, lane: i - (group.length - 1) / 2, index: i }));
  return edges;
}

export interface Graph {
  nodes: EntityNode[];
  edges: ErdEdge[];
  /** Where types without a saved position are shown (laid out by dagre). */
  unplaced: Record<string, XY>;
}

export class GraphBuilder {
  private nodes = new Map<string, { key: string; node: EntityNode }>();
  private edges = new Map<string, { key: string; edge: ErdEdge }>();
  // Where dagre put the types without a saved position, kept while the diagram is open so
  // that an edit (a new type, a relationship) does not move the others around.
  private laid = new Map<string, XY>();

  build(doc: Model): Graph {
    const edges = edgesOf(doc);
    const saved = doc.ui?.erd?.positions ?? {};
    if (doc.entities.some((e) => !Object.hasOwn(saved, e.name) && !this.laid.has(e.name))) {
      const fresh = autoLayout(
        doc.entities.map((e) => ({ id: e.name, fields: e.fields.length })),
        edges,
      );
      for (const [id, p] of fresh) if (!this.laid.has(id)) this.laid.set(id, p);
    }
    const unplaced: Record<string, XY> = {};
    const nodes = doc.entities.map((e) => {
      const position = Object.hasOwn(saved, e.name) ? saved[e.name]! : this.laid.get(e.name)!;
      if (!Object.hasOwn(saved, e.name)) unplaced[e.name] = position;
      const key = JSON.stringify([e, position]);
      const cached = this.nodes.get(e.name);
      if (cached?.key === key) return cached.node;
      const node: EntityNode = {
        id: e.name,
        type: "entity",
        position: { x: position.x, y: position.y },
        // Known before the node is drawn: onlyRenderVisibleElements, fitView and the
        // export can place nodes that were never on screen.
        initialWidth: NODE_WIDTH,
        initialHeight: nodeHeight(e.fields.length),
        data: {
          name: e.name,
          label: e.label,
          fields: e.fields.map((f) => ({
            name: f.name,
            type: f.type,
            required: f.required === true,
            unique: f.unique === true,
            target: f.type === "reference" ? f.entity : undefined,
            display: e.display === f.name,
          })),
        },
      };
      this.nodes.set(e.name, { key, node });
      return node;
    });
    const outEdges = edges.map((e) => {
      const key = JSON.stringify(e);
      const cached = this.edges.get(e.id);
      if (cached?.key === key) return cached.edge;
      this.edges.set(e.id, { key, edge: e });
      return e;
    });
    const alive = new Set(doc.entities.map((e) => e.name));
    for (const id of this.nodes.keys()) if (!alive.has(id)) this.nodes.delete(id);
    return { nodes, edges: outEdges, unplaced };
  }
}
