// Checks a flow before it is saved or run: node types known and their settings sound,
// edges between existing nodes, how many nodes of each type (one start, an end), a valid
// trigger; then a DAG where every node is reachable from start and stands where its kind
// allows (each kind's `shape` rule: edges in and out, where branches meet). Problems come
// with JSON Pointer paths relative to the flow (prefix them with /xflows/<i> in a model).
import { Cron } from "croner";
import type { Issue } from "../lib/errors";
import { pointer } from "../lib/json";
import { flowLimitIssues, partName } from "../model/limits";
import { type Branches, branchesOf, findCycle, incoming, outgoing, reachableFrom } from "./graph";
import type { FlowGraph } from "./nodes/kind";
import { nodeKind, nodeTypes, startOf } from "./nodes/registry";
import type { FlowDef, NodeDef } from "./types";

const TRIGGER_TYPES = ["manual", "entity", "webhook", "schedule"];
const ENTITY_EVENTS = ["beforeCreate", "afterCreate", "beforeUpdate", "afterUpdate", "beforeDelete", "afterDelete"];

export function validateFlow(flow: FlowDef, base = ""): Issue[] {
  // Over its node or edge limit, a flow is refused on that alone (a model's flows are counted before this runs).
  const tooMany = flowLimitIssues(flow as unknown as Record<string, unknown>, base, base ? partName("xflow", flow, base) : partName("flow", flow));
  if (tooMany.length) return tooMany;
  const out: Issue[] = [];
  const at = (...p: (string | number)[]) => base + pointer(...p);
  const ids = new Set(flow.nodes.map((n) => n.id));
  const counts = new Map<string, number>();
  flow.nodes.forEach((n, i) => {
    const kind = nodeKind(n.type);
    if (!kind) {
      out.push({ path: at("nodes", i, "type"), rule: "enum", message: `node ${n.id}: unknown type "${n.type}"; use one of ${nodeTypes.join(", ")}` });
      return;
    }
    counts.set(n.type, (counts.get(n.type) ?? 0) + 1);
    for (const p of kind.check(n as NodeDef)) {
      const [setting, ...rest] = p.split(": ");
      out.push({ path: at("nodes", i, setting!), rule: "node", message: `node ${n.id}: ${rest.join(": ") || p}` });
    }
    // JavaScript settings must at least parse, so a typo is named at save rather than at the first run.
    for (const s of kind.settings) {
      const code = (n as Record<string, unknown>)[s.key];
      if ((s.kind === "code" || s.kind === "expression") && typeof code === "string" && code.trim()) {
        const problem = syntaxProblem(code, s.kind);
        if (problem) out.push({ path: at("nodes", i, s.key), rule: "syntax", message: `node ${n.id}: ${s.key} is not valid JavaScript: ${problem}` });
      }
    }
    const retry = (n as Record<string, unknown>).retry;
    if (retry !== undefined) {
      const r = retry as { attempts?: unknown; backoffMs?: unknown };
      if (typeof r !== "object" || r === null || typeof r.attempts !== "number" || r.attempts < 1 || r.attempts > 10)
        out.push({ path: at("nodes", i, "retry"), rule: "node", message: `node ${n.id}: retry is {attempts: 1..10, backoffMs?}` });
    }
  });
  for (const type of nodeTypes) {
    const want = nodeKind(type)!.perFlow;
    const has = counts.get(type) ?? 0;
    if (want && (has < want.min || (want.max !== undefined && has > want.max)))
      out.push({ path: at("nodes"), rule: type, message: `a flow needs ${amount(want)} ${type} node${want.min === 1 ? "" : "s"} (has ${has})` });
  }
  flow.edges.forEach((e, i) => {
    for (const end of ["from", "to"] as const)
      if (!ids.has(e[end])) out.push({ path: at("edges", i, end), rule: "reference", message: `edge ${end} "${e[end]}" is not a node of the flow` });
  });
  const t = flow.trigger;
  if (t) {
    if (!TRIGGER_TYPES.includes(t.type))
      out.push({ path: at("trigger", "type"), rule: "enum", message: `trigger type must be one of ${TRIGGER_TYPES.join(", ")}` });
    if (t.type === "entity" && !ENTITY_EVENTS.includes(String(t.event)))
      out.push({ path: at("trigger", "event"), rule: "enum", message: `an entity trigger's event must be one of ${ENTITY_EVENTS.join(", ")}` });
    if (t.type === "schedule" && (typeof t.cron !== "string" || !t.cron.trim()))
      out.push({ path: at("trigger", "cron"), rule: "required", message: "a schedule trigger needs a cron expression" });
    else if (t.type === "schedule") {
      const problem = cronProblem(String(t.cron), typeof t.timezone === "string" ? t.timezone : undefined);
      if (problem) out.push({ path: at("trigger", "cron"), rule: "cron", message: problem });
    }
  }
  if (out.length) return out; // the graph checks below assume nodes, edges and the start are sound

  const cycle = findCycle(flow);
  if (cycle) return [{ path: at("edges"), rule: "cycle", message: `the flow has a cycle: ${cycle.join(" → ")}` }];
  const g = flowGraph(flow);
  const reach = reachableFrom(flow, startOf(flow)!.id);
  flow.nodes.forEach((n, i) => {
    if (!reach.has(n.id)) out.push({ path: at("nodes", i), rule: "unreachable", message: `node ${n.id} cannot be reached from start` });
    for (const p of g.kindOf(n.id).shape(n as NodeDef, g)) out.push({ path: at("nodes", i), ...p });
  });
  return out;
}

/** Brackets nested deeper than this are refused before parsing: the engine's parser takes seconds to minutes on ~10,000 levels. */
export const MAX_NESTING = 256;

/** How deep (, [ and { nest in `code`, strings, template literals and comments skipped roughly: a guard, not a parser. */
function nesting(code: string): number {
  let depth = 0;
  let max = 0;
  let quote = "";
  for (let i = 0; i < code.length; i++) {
    const c = code[i]!;
    if (quote) {
      if (c === "\\") i++;
      else if (c === quote) quote = "";
      continue;
    }
    if (c === '"' || c === "'" || c === "`") quote = c;
    else if (c === "/" && code[i + 1] === "/") i = code.indexOf("\n", i) === -1 ? code.length : code.indexOf("\n", i);
    else if (c === "/" && code[i + 1] === "*") i = code.indexOf("*/", i + 2) === -1 ? code.length : code.indexOf("*/", i + 2) + 1;
    else if (c === "(" || c === "[" || c === "{") max = Math.max(max, ++depth);
    else if (c === ")" || c === "]" || c === "}") depth--;
  }
  return max;
}

// The sandbox compiles a script as the body of a strict async function of input and ctx.
const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (...args: string[]) => unknown;

/**
 * Why a script (the body of an async function of input and ctx) or an expression does not
 * parse, or undefined. Only compiled, never called: nothing of it runs here. Compiled as
 * the sandbox compiles it (strict, a script as a function body of its own, so one that
 * closes it early is refused). Nesting past MAX_NESTING is refused unparsed. Where the
 * page forbids compiling code (a strict CSP in the browser), the server's check decides.
 */
export function syntaxProblem(code: string, kind: "code" | "expression"): string | undefined {
  const deep = nesting(code);
  if (deep > MAX_NESTING) return `brackets nest ${deep} levels deep; at most ${MAX_NESTING} are allowed`;
  try {
    if (kind === "code") new AsyncFunction("input", "ctx", `"use strict";\n${code}`);
    else new Function("input", "ctx", `"use strict";\nreturn (\n${code}\n);`);
  } catch (e) {
    if (e instanceof SyntaxError) return e.message;
  }
  return undefined;
}

/** Longest cron expression accepted (a real one is a few dozen characters). */
const MAX_CRON = 200;

/**
 * Why a cron expression cannot drive a schedule (croner, as the scheduler uses it), or
 * undefined. Five fields, or six with seconds first: croner's seventh (years) lets an
 * expression that never fires send it searching to the year 9999 (hundreds of ms per check).
 */
export function cronProblem(cron: string, timezone?: string): string | undefined {
  if (cron.length > MAX_CRON) return `a cron expression has at most ${MAX_CRON} characters (this one has ${cron.length})`;
  const fields = cron.trim().split(/\s+/).length;
  if (fields < 5 || fields > 6) return `"${cron}" has ${fields} fields; a cron expression has 5 (minute hour day month weekday) or 6 (seconds first)`;
  try {
    const job = new Cron(cron, { paused: true, timezone });
    if (!job.nextRun()) return `the cron expression "${cron}" never fires (no date matches it)`;
  } catch (e) {
    return `"${cron}" is not a cron expression the scheduler understands: ${(e as Error).message}`;
  }
  return undefined;
}

const amount = (w: { min: number; max?: number }) =>
  w.min === w.max ? `exactly ${w.min === 1 ? "one" : w.min}` : w.max === undefined ? `at least ${w.min === 1 ? "one" : w.min}` : `${w.min} to ${w.max}`;

/** The graph facts shape rules read, computed once per flow (branches on first use). */
function flowGraph(flow: FlowDef): FlowGraph {
  const outs = outgoing(flow),
    ins = incoming(flow);
  const typeOf = new Map(flow.nodes.map((n) => [n.id, n.type]));
  const kindOf = (id: string) => nodeKind(typeOf.get(id)!)!;
  const branches = new Map<string, Branches>();
  return {
    flow,
    outgoing: (id) => outs.get(id) ?? [],
    incoming: (id) => ins.get(id) ?? [],
    kindOf,
    branches(id) {
      let b = branches.get(id);
      if (!b)
        branches.set(
          id,
          (b = branchesOf(
            flow,
            id,
            (x) => !!kindOf(x).opensBranches,
            (x) => !!kindOf(x).meetsBranches,
            outs,
          )),
        );
      return b;
    },
  };
}
