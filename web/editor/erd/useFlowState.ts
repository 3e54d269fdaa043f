// The diagram's nodes and edges as xyflow's controlled state, following the document: an
// edit from anywhere (undo, the entity editor, another window) reaches the diagram at once,
// while what only the diagram knows — a drag in progress, the measured sizes, the
// selection — stays. A node whose entity type did not change keeps its object, so xyflow
// and the memoised node skip it. The selection itself lives in the URL (?sel=, ?rel=) and
// is applied here whenever the URL changes.
import { applyEdgeChanges, applyNodeChanges, type EdgeChange, type NodeChange } from "@xyflow/react";
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from "react";
import { type EntityNode, type ErdEdge, type Graph, relEdgeId } from "./graph";

type Item = { id: string; selected?: boolean };

/** `next` (from the document) merged into `local`: unchanged items keep their local object, changed ones keep their local state via `merge`. */
function follow<T extends Item>(local: T[], next: T[], before: Map<string, T>, want: Set<string>, merge: (l: T, g: T) => T): T[] {
  const byId = new Map(local.map((n) => [n.id, n]));
  let same = local.length === next.length;
  const out = next.map((g, i) => {
    const l = byId.get(g.id);
    // A new item the URL already selects (a type just added or renamed) comes selected.
    const n = !l ? (want.has(g.id) ? { ...g, selected: true } : g) : before.get(g.id) === g ? l : merge(l, g);
    if (n !== local[i]) same = false;
    return n;
  });
  return same ? local : out;
}

function reselect<T extends Item>(items: T[], want: Set<string>): T[] {
  let changed = false;
  const out = items.map((n) => {
    if (!!n.selected === want.has(n.id)) return n;
    changed = true;
    return { ...n, selected: want.has(n.id) };
  });
  return changed ? out : items;
}

const ids = (key: string) => new Set(key.split(",").filter(Boolean));

export function useFlowState(graph: Graph, types: string[], rels: string[]) {
  const typeKey = types.join(",");
  const relKey = rels.map(relEdgeId).join(",");
  const [nodes, setNodes] = useState<EntityNode[]>(() => reselect(graph.nodes, ids(typeKey)));
  const [edges, setEdges] = useState<ErdEdge[]>(() => reselect(graph.edges, ids(relKey)));
  const base = useRef(graph);

  // Before paint, so a renamed or moved type never flashes in its old state.
  useLayoutEffect(() => {
    const before = base.current;
    if (before === graph) return;
    base.current = graph;
    const prevNodes = new Map(before.nodes.map((n) => [n.id, n]));
    const prevEdges = new Map(before.edges.map((e) => [e.id, e]));
    setNodes((local) =>
      follow(local, graph.nodes, prevNodes, ids(typeKey), (l, g) => ({
        ...g,
        selected: l.selected,
        measured: l.measured,
        // A node being dragged stays under the pointer; its position is saved on drop.
        ...(l.dragging ? { position: l.position, dragging: true } : {}),
      })),
    );
    setEdges((local) => follow(local, graph.edges, prevEdges, ids(relKey), (l, g) => ({ ...g, selected: l.selected })));
  }, [graph, typeKey, relKey]);

  useEffect(() => {
    setNodes((ns) => reselect(ns, ids(typeKey)));
    setEdges((es) => reselect(es, ids(relKey)));
  }, [typeKey, relKey]);

  const onNodesChange = useCallback((changes: NodeChange<EntityNode>[]) => setNodes((ns) => applyNodeChanges(changes, ns)), []);
  const onEdgesChange = useCallback((changes: EdgeChange<ErdEdge>[]) => setEdges((es) => applyEdgeChanges(changes, es)), []);
  /** Put nodes back where the document has them (a move the store refused). */
  const resetPositions = useCallback(() => {
    const at = new Map(base.current.nodes.map((n) => [n.id, n.position]));
    setNodes((ns) => ns.map((n) => (at.get(n.id) && at.get(n.id) !== n.position ? { ...n, position: at.get(n.id)! } : n)));
  }, []);
  return { nodes, edges, onNodesChange, onEdgesChange, resetPositions };
}
