// Checks a flow before it is saved or run: a DAG with one start, every node reachable,
// every path ending at an end or error node, edges between existing nodes, `when` only
// after conditions, and each node's own settings. Problems come with JSON Pointer paths
// relative to the flow (prefix them with /xflows/<i> inside a model).
import type { Issue } from "../lib/errors";
import { pointer } from "../lib/json";
import type { FlowDef } from "./types";
import { nodeKinds } from "./nodes/registry";
import { findCycle, incoming, outgoing, reachableFrom } from "./graph";

export const TRIGGER_TYPES = ["manual", "entity", "webhook", "schedule"];
export const ENTITY_EVENTS = ["beforeCreate", "afterCreate", "beforeUpdate", "afterUpdate", "beforeDelete", "afterDelete"];

export function validateFlow(flow: FlowDef, base = ""): Issue[] {
  const out: Issue[] = [];
  const at = (...p: (string | number)[]) => base + pointer(...p);
  const ids = new Set(flow.nodes.map((n) => n.id));
  flow.nodes.forEach((n, i) => {
    const kind = nodeKinds[n.type];
    if (!kind) {
      out.push({ path: at("nodes", i, "type"), rule: "enum", message: `node ${n.id}: unknown type "${n.type}"; use one of ${Object.keys(nodeKinds).join(", ")}` });
      return;
    }
    for (const p of kind.check(n as never)) {
      const [setting, ...rest] = p.split(": ");
      out.push({ path: at("nodes", i, setting!), rule: "node", message: `node ${n.id}: ${rest.join(": ") || p}` });
    }
    const retry = (n as Record<string, unknown>).retry;
    if (retry !== undefined) {
      const r = retry as { attempts?: unknown; backoffMs?: unknown };
      if (typeof r !== "object" || r === null || typeof r.attempts !== "number" || r.attempts < 1 || r.attempts > 10)
        out.push({ path: at("nodes", i, "retry"), rule: "node", message: `node ${n.id}: retry is {attempts: 1..10, backoffMs?}` });
    }
  });
  flow.edges.forEach((e, i) => {
    for (const end of ["from", "to"] as const)
      if (!ids.has(e[end])) out.push({ path: at("edges", i, end), rule: "reference", message: `edge ${end} "${e[end]}" is not a node of the flow` });
  });
  const starts = flow.nodes.filter((n) => n.type === "start");
  if (starts.length !== 1) out.push({ path: at("nodes"), rule: "start", message: `a flow needs exactly one start node (has ${starts.length})` });
  const t = flow.trigger;
  if (t) {
    if (!TRIGGER_TYPES.includes(t.type)) out.push({ path: at("trigger", "type"), rule: "enum", message: `trigger type must be one of ${TRIGGER_TYPES.join(", ")}` });
    if (t.type === "entity" && !ENTITY_EVENTS.includes(String(t.event))) out.push({ path: at("trigger", "event"), rule: "enum", message: `an entity trigger's event must be one of ${ENTITY_EVENTS.join(", ")}` });
    if (t.type === "schedule" && (typeof t.cron !== "string" || !t.cron.trim())) out.push({ path: at("trigger", "cron"), rule: "required", message: "a schedule trigger needs a cron expression" });
  }
  if (out.length) return out; // the graph checks below assume nodes and edges are sound

  const cycle = findCycle(flow);
  if (cycle) return [{ path: at("edges"), rule: "cycle", message: `the flow has a cycle: ${cycle.join(" → ")}` }];
  const outs = outgoing(flow), ins = incoming(flow);
  const start = starts[0]!;
  if (ins.get(start.id)!.length) out.push({ path: at("nodes", flow.nodes.indexOf(start)), rule: "start", message: "nothing may lead into the start node" });
  const reach = reachableFrom(flow, start.id);
  flow.nodes.forEach((n, i) => {
    const o = outs.get(n.id)!;
    if (!reach.has(n.id)) out.push({ path: at("nodes", i), rule: "unreachable", message: `node ${n.id} cannot be reached from start` });
    const terminal = n.type === "end" || n.type === "error";
    if (terminal && o.length) out.push({ path: at("nodes", i), rule: "edges", message: `${n.type} node ${n.id} must not lead anywhere` });
    if (!terminal && !o.length) out.push({ path: at("nodes", i), rule: "edges", message: `node ${n.id} leads nowhere: every path must end at an end or error node` });
    if (n.type === "condition") {
      const whens = o.map((e) => e.when);
      if (whens.some((w) => w !== "true" && w !== "false")) out.push({ path: at("nodes", i), rule: "edges", message: `edges from condition ${n.id} need when "true" or "false"` });
      if (new Set(whens).size !== whens.length) out.push({ path: at("nodes", i), rule: "edges", message: `condition ${n.id} has two edges for the same answer` });
    } else {
      if (o.some((e) => e.when !== undefined)) out.push({ path: at("nodes", i), rule: "edges", message: `only edges from a condition node carry "when" (node ${n.id})` });
      if (n.type === "parallel" && o.length < 2) out.push({ path: at("nodes", i), rule: "edges", message: `parallel ${n.id} needs at least two branches` });
      if (n.type !== "parallel" && o.length > 1) out.push({ path: at("nodes", i), rule: "edges", message: `node ${n.id} has ${o.length} outgoing edges; branch with a condition or a parallel node` });
    }
    if (n.type === "join" && ins.get(n.id)!.length < 2) out.push({ path: at("nodes", i), rule: "edges", message: `join ${n.id} needs at least two incoming branches` });
  });
  if (![...reach].some((id) => flow.nodes.find((n) => n.id === id)?.type === "end"))
    out.push({ path: at("nodes"), rule: "end", message: "no end node can be reached from start" });
  return out;
}
