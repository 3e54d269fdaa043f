// The model document as a graph: one node per entity type with its fields, one edge per
// relationship, and a dashed edge for each reference field no relationship covers (it
// still points somewhere, and hiding it would misstate the model).
import { graphlib, layout } from "@dagrejs/dagre";
import type { Edge, Node } from "@xyflow/react";
import type { ModelDocument } from "../lib/api";

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

// Sizes dagre plans with; the node's CSS keeps to them so edges meet the boxes.
export const NODE_WIDTH = 260;
export const HEADER_HEIGHT = 36;
export const ROW_HEIGHT = 22;
const nodeHeight = (fields: number) => HEADER_HEIGHT + Math.max(fields, 1) * ROW_HEIGHT + 8;

/** For 1:1 and 1:n, the reference field on `to` that holds the relationship (docs/model-format.md). */
function coveredField(doc: ModelDocument, r: NonNullable<ModelDocument["relationships"]>[number]): string | undefined {
  if (r.kind === "n:m") return undefined;
  if (r.inverse) return r.inverse;
  return doc.entities?.find((e) => e.name === r.to)?.fields?.find((f) => f.type === "reference" && f.entity === r.from)?.name;
}

// Dagre rather than elkjs: dagre is small and synchronous, and its layered layout is all
// an entity graph of this size needs; elkjs is a large asynchronous (worker) engine.
function autoLayout(nodes: EntityNode[], edges: Edge[]): Map<string, { x: number; y: number }> {
  const g = new graphlib.Graph({ multigraph: true });
  g.setGraph({ rankdir: "LR", nodesep: 40, ranksep: 90, marginx: 20, marginy: 20 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of nodes) g.setNode(n.id, { width: NODE_WIDTH, height: nodeHeight(n.data.fields.length) });
  for (const e of edges) if (e.source !== e.target) g.setEdge(e.source, e.target, {}, e.id);
  layout(g);
  const at = new Map<string, { x: number; y: number }>();
  for (const n of nodes) {
    const p = g.node(n.id);
    // dagre gives centres, xyflow wants top-left corners.
    at.set(n.id, { x: p.x - NODE_WIDTH / 2, y: p.y - nodeHeight(n.data.fields.length) / 2 });
  }
  return at;
}

export function buildGraph(doc: ModelDocument): { nodes: EntityNode[]; edges: Edge[] } {
  const entities = doc.entities ?? [];
  const names = new Set(entities.map((e) => e.name));
  const relationships = (doc.relationships ?? []).filter((r) => names.has(r.from) && names.has(r.to));
  const nodes: EntityNode[] = entities.map((e) => ({
    id: e.name,
    type: "entity",
    position: { x: 0, y: 0 },
    data: {
      name: e.name,
      label: e.label,
      fields: (e.fields ?? []).map((f) => ({
        name: f.name,
        type: f.type,
        required: f.required === true,
        unique: f.unique === true,
        target: f.type === "reference" ? f.entity : undefined,
        display: e.display === f.name,
      })),
    },
  }));
  const edges: Edge[] = relationships.map((r) => ({
    id: `rel:${r.name}`,
    source: r.from,
    target: r.to,
    label: r.kind,
    ariaLabel: `${r.name}: ${r.from} ${r.kind} ${r.to}`,
    className: "erd-edge",
  }));
  const covered = new Set(relationships.map((r) => `${r.to}.${coveredField(doc, r)}`));
  for (const e of entities)
    for (const f of e.fields ?? [])
      if (f.type === "reference" && f.entity && names.has(f.entity) && !covered.has(`${e.name}.${f.name}`))
        edges.push({
          id: `ref:${e.name}.${f.name}`,
          source: e.name,
          target: f.entity,
          label: f.name,
          ariaLabel: `${e.name}.${f.name} → ${f.entity}`,
          className: "erd-edge erd-edge-reference",
          style: { strokeDasharray: "6 4" },
        });
  const saved = doc.ui?.erd?.positions ?? {};
  const missing = nodes.some((n) => !saved[n.id]);
  const laid = missing ? autoLayout(nodes, edges) : undefined;
  for (const n of nodes) n.position = saved[n.id] ?? laid?.get(n.id) ?? n.position;
  return { nodes, edges };
}
