// The editor's commands on workflows (XFlows), as actions (see actions.ts): add a flow
// that runs from start to end, replace a flow's definition (its JSON view), rename it
// (carried to the buttons that run it) and remove it (those buttons let go of the action).
import type { ModelEdit } from "../../../src/model/edit";
import type { Model, XFlow } from "../../../src/model/schema";
import { componentEdits, setAt, uses } from "./actions";
import type { Action } from "./store";

/** A new flow started by hand: a start node leading to an end node. */
export function addFlow(name: string): Action {
  const xflow: XFlow = {
    name,
    trigger: { type: "manual" },
    nodes: [
      { id: "start", type: "start" },
      { id: "end", type: "end" },
    ],
    edges: [{ from: "start", to: "end" }],
  };
  return { label: `Add workflow ${name}`, edits: [{ op: "addXFlow", xflow }] };
}

/** The flow as given (its name kept): every other key replaced, a key left out removed. */
export function replaceFlow(before: XFlow, next: Record<string, unknown>): Action {
  const patch: Record<string, unknown> = { ...next, name: before.name };
  for (const k of Object.keys(before)) if (patch[k] === undefined) patch[k] = null;
  return { label: `Edit workflow ${before.name}`, edits: [{ op: "updateXFlow", name: before.name, patch }] };
}

/** Components that run the flow (a button's runXFlow action). */
export const flowUsers = (doc: Model, name: string) => uses(doc, (r) => r.kind === "xflow" && r.name === name);

export function renameFlow(doc: Model, from: string, to: string): Action {
  const edits: ModelEdit[] = [{ op: "updateXFlow", name: from, patch: { name: to } }];
  edits.push(
    ...componentEdits(
      doc,
      (r) => r.kind === "xflow" && r.name === from,
      (props, refs) => refs.reduce((p, r) => setAt(p, r.path, to), props),
    ),
  );
  return { label: `Rename workflow ${from} to ${to}`, edits };
}

export function removeFlow(doc: Model, name: string): Action {
  const edits = componentEdits(
    doc,
    (r) => r.kind === "xflow" && r.name === name,
    (props) => {
      const next = { ...props };
      delete next.action;
      return next;
    },
  );
  edits.push({ op: "removeXFlow", name });
  return { label: `Remove workflow ${name}`, edits };
}

// ——— The diagram's commands: each replaces the flow's nodes and edges (one updateXFlow). ———

type FlowNode = XFlow["nodes"][number] & Record<string, unknown>;
type FlowEdge = XFlow["edges"][number];

const graphEdit = (flow: XFlow, label: string, patch: Partial<Record<keyof XFlow, unknown>>): Action => ({
  label,
  edits: [{ op: "updateXFlow", name: flow.name, patch }],
});

/** A node id not yet in the flow: the type's name, then type2, type3… */
export function freeNodeId(flow: XFlow, base: string): string {
  const taken = new Set(flow.nodes.map((n) => n.id));
  if (!taken.has(base)) return base;
  for (let i = 2; ; i++) if (!taken.has(`${base}${i}`)) return `${base}${i}`;
}

/** Which way a condition has not used yet ("true" first). */
const freeAnswer = (flow: XFlow, from: string) => {
  const used = new Set(flow.edges.filter((e) => e.from === from).map((e) => e.when));
  return ["true", "false"].find((w) => !used.has(w));
};

const isCondition = (flow: XFlow, id: string) => flow.nodes.find((n) => n.id === id)?.type === "condition";
const endsRun = (type: string) => type === "end" || type === "error";

/**
 * Add a node (with its settings filled in, so the flow stays valid where it can). Placed
 * after `after` when given: between it and the node it leads to when it leads to one,
 * on a condition's unused answer, or simply after a node that leads nowhere.
 */
export function addNode(flow: XFlow, node: FlowNode, after?: string): Action {
  const nodes = [...flow.nodes, node];
  let edges = [...flow.edges];
  if (after !== undefined && flow.nodes.some((n) => n.id === after)) {
    const out = flow.edges.filter((e) => e.from === after);
    const answer = isCondition(flow, after) ? freeAnswer(flow, after) : undefined;
    if (isCondition(flow, after) && answer) edges.push({ from: after, to: node.id, when: answer });
    else if (out.length === 1 && !endsRun(node.type)) {
      const [e] = out;
      edges = edges.filter((x) => x !== e);
      edges.push({ from: after, to: node.id, ...(e!.when !== undefined && { when: e!.when }) });
      edges.push({ from: node.id, to: e!.to, ...(node.type === "condition" && { when: "true" }) });
    } else if (out.length === 0) edges.push({ from: after, to: node.id });
  }
  return graphEdit(flow, `Add ${node.type} step ${node.id} to ${flow.name}`, { nodes, edges });
}

/**
 * Remove nodes and their edges. A removed node that stood in a line (one edge in, one
 * out) leaves its neighbours joined, as when a step is taken out of a list.
 */
export function removeNodes(flow: XFlow, ids: readonly string[]): Action {
  const gone = new Set(ids);
  let edges = [...flow.edges];
  for (const id of ids) {
    const ins = edges.filter((e) => e.to === id);
    const outs = edges.filter((e) => e.from === id);
    edges = edges.filter((e) => e.from !== id && e.to !== id);
    const [i] = ins;
    const [o] = outs;
    if (ins.length === 1 && outs.length === 1 && i!.from !== o!.to && !edges.some((e) => e.from === i!.from && e.to === o!.to))
      edges.push({ from: i!.from, to: o!.to, ...(i!.when !== undefined && { when: i!.when }) });
  }
  edges = edges.filter((e) => !gone.has(e.from) && !gone.has(e.to));
  const label = ids.length === 1 ? `Remove step ${ids[0]} of ${flow.name}` : `Remove ${ids.length} steps of ${flow.name}`;
  return graphEdit(flow, label, { nodes: flow.nodes.filter((n) => !gone.has(n.id)), edges });
}

/** The path by which `to` already reaches `from`, if it does: an edge from → to would close it into a cycle. */
export function cycleVia(flow: XFlow, from: string, to: string): string[] | undefined {
  if (from === to) return [from, to];
  const prev = new Map<string, string>();
  const queue = [to];
  const seen = new Set([to]);
  while (queue.length) {
    const at = queue.shift()!;
    if (at === from) {
      const path = [at];
      for (let x = at; x !== to; ) path.unshift((x = prev.get(x)!));
      return [...path, to];
    }
    for (const e of flow.edges)
      if (e.from === at && !seen.has(e.to)) {
        seen.add(e.to);
        prev.set(e.to, at);
        queue.push(e.to);
      }
  }
  return undefined;
}

/** Why an edge from → to cannot be drawn, or null: it would repeat one, start a cycle, or leave an end. */
export function connectProblem(flow: XFlow, from: string, to: string): string | null {
  if (flow.edges.some((e) => e.from === from && e.to === to)) return `${from} already leads to ${to}`;
  const type = flow.nodes.find((n) => n.id === from)?.type;
  if (type && endsRun(type)) return `${from} is an ${type} node: a run stops there, so nothing can follow it`;
  if (flow.nodes.find((n) => n.id === to)?.type === "start") return "nothing may lead into the start node";
  const cycle = cycleVia(flow, from, to);
  if (cycle) return `${from} → ${to} would make a cycle (${cycle.join(" → ")}); a workflow runs one way, from start to its ends`;
  return null;
}

/** Draw an edge (a condition's first unused answer on it); throws the reason when it cannot be drawn. */
export function connect(flow: XFlow, from: string, to: string): Action {
  const problem = connectProblem(flow, from, to);
  if (problem) throw new Error(problem);
  const when = isCondition(flow, from) ? freeAnswer(flow, from) : undefined;
  return graphEdit(flow, `Connect ${from} to ${to} in ${flow.name}`, { edges: [...flow.edges, { from, to, ...(when && { when }) }] });
}

export function removeEdges(flow: XFlow, gone: readonly FlowEdge[]): Action {
  const set = new Set(gone);
  const label = gone.length === 1 ? `Disconnect ${gone[0]!.from} from ${gone[0]!.to} in ${flow.name}` : `Remove ${gone.length} edges of ${flow.name}`;
  return graphEdit(flow, label, { edges: flow.edges.filter((e) => !set.has(e)) });
}

/** Mark an edge with the answer of its condition it follows (or none). */
export function setEdgeWhen(flow: XFlow, index: number, when: string | undefined): Action {
  const edges = flow.edges.map((e, i) => {
    if (i !== index) return e;
    const { when: _w, ...rest } = e;
    return when === undefined ? rest : { ...rest, when };
  });
  const e = flow.edges[index]!;
  return graphEdit(flow, `Mark ${e.from} → ${e.to} ${when === undefined ? "unconditional" : `when ${when}`}`, { edges });
}

/** Change settings of a node: a value of undefined removes the setting. */
export function setNode(flow: XFlow, id: string, patch: Record<string, unknown>): Action {
  const nodes = flow.nodes.map((n) => {
    if (n.id !== id) return n;
    const next: Record<string, unknown> = { ...n };
    for (const [k, v] of Object.entries(patch)) {
      if (k === "id" || k === "type") continue;
      if (v === undefined) delete next[k];
      else next[k] = v;
    }
    return next as FlowNode;
  });
  const keys = Object.keys(patch).join(", ");
  return graphEdit(flow, `Set ${keys} of step ${id} in ${flow.name}`, { nodes });
}

/** Rename a node; its edges follow. */
export function renameNode(flow: XFlow, from: string, to: string): Action {
  const nodes = flow.nodes.map((n) => (n.id === from ? { ...n, id: to } : n));
  const edges = flow.edges.map((e) => (e.from === from || e.to === from ? { ...e, from: e.from === from ? to : e.from, to: e.to === from ? to : e.to } : e));
  return graphEdit(flow, `Rename step ${from} to ${to} in ${flow.name}`, { nodes, edges });
}

/** Set (or, with undefined, remove) one of the flow's own settings: trigger, input or output schema, time limit, description. */
export function setFlowSetting(flow: XFlow, key: "trigger" | "input" | "output" | "timeoutMs" | "description", value: unknown): Action {
  return graphEdit(flow, `Set the ${key} of ${flow.name}`, { [key]: value === undefined ? null : value });
}
