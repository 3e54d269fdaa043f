// Pure graph functions over a flow's nodes and edges.
import type { EdgeDef, FlowDef } from "./types";

export function outgoing(flow: FlowDef): Map<string, EdgeDef[]> {
  const out = new Map<string, EdgeDef[]>(flow.nodes.map((n) => [n.id, []]));
  for (const e of flow.edges) out.get(e.from)?.push(e);
  return out;
}

export function incoming(flow: FlowDef): Map<string, EdgeDef[]> {
  const inc = new Map<string, EdgeDef[]>(flow.nodes.map((n) => [n.id, []]));
  for (const e of flow.edges) inc.get(e.to)?.push(e);
  return inc;
}

/** A node on a cycle, or undefined when the graph is acyclic. */
export function findCycle(flow: FlowDef): string[] | undefined {
  const out = outgoing(flow);
  const state = new Map<string, 1 | 2>();
  const path: string[] = [];
  const visit = (id: string): string[] | undefined => {
    if (state.get(id) === 2) return undefined;
    if (state.get(id) === 1) return [...path.slice(path.indexOf(id)), id];
    state.set(id, 1);
    path.push(id);
    for (const e of out.get(id) ?? []) {
      const c = visit(e.to);
      if (c) return c;
    }
    path.pop();
    state.set(id, 2);
    return undefined;
  };
  for (const n of flow.nodes) {
    const c = visit(n.id);
    if (c) return c;
  }
  return undefined;
}

export function reachableFrom(flow: FlowDef, start: string): Set<string> {
  const out = outgoing(flow);
  const seen = new Set<string>([start]);
  const stack = [start];
  while (stack.length) for (const e of out.get(stack.pop()!) ?? []) if (!seen.has(e.to)) seen.add(e.to), stack.push(e.to);
  return seen;
}
