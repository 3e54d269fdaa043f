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
  while (stack.length)
    for (const e of out.get(stack.pop()!) ?? [])
      if (!seen.has(e.to)) {
        seen.add(e.to);
        stack.push(e.to);
      }
  return seen;
}

/** Where the branches of a node that opens them go (see `branchesOf`). */
export interface Branches {
  /** Nodes where branches meet that the branches arrive at (sound: exactly one). */
  meets: Set<string>;
  /** Every node on the branches before they meet, nested branches and their meeting nodes included. */
  inside: Set<string>;
  /** Nodes on the branches that lead nowhere. */
  leaves: Set<string>;
}

/**
 * Follow every branch out of `fork` the way the engine walks them: a branch stops at the
 * first node where branches meet; a nested fork is passed over to the node after its own
 * meeting point (when it has exactly one). The flow must be acyclic.
 */
export function branchesOf(flow: FlowDef, fork: string, opens: (id: string) => boolean, meets: (id: string) => boolean, out = outgoing(flow)): Branches {
  const b: Branches = { meets: new Set(), inside: new Set(), leaves: new Set() };
  const stack = (out.get(fork) ?? []).map((e) => e.to);
  while (stack.length) {
    const id = stack.pop()!;
    if (meets(id)) {
      b.meets.add(id);
      continue;
    }
    if (b.inside.has(id)) continue;
    b.inside.add(id);
    const edges = out.get(id) ?? [];
    if (!edges.length) b.leaves.add(id);
    if (!opens(id)) {
      for (const e of edges) stack.push(e.to);
      continue;
    }
    const inner = branchesOf(flow, id, opens, meets, out);
    for (const x of inner.inside) b.inside.add(x);
    for (const x of inner.leaves) b.leaves.add(x);
    // A nested fork whose branches do not meet at one node is its own problem; go no further.
    if (inner.meets.size !== 1) continue;
    const [joinId] = inner.meets;
    b.inside.add(joinId!);
    for (const e of out.get(joinId!) ?? []) stack.push(e.to);
  }
  return b;
}
