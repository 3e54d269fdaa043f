// The contract of a node type (one file each, registered in registry.ts): its settings,
// its place in the graph, what it does when run, and where the walk goes after it. The
// engine and the validator know no node type by name; they ask the kind.

import type { Branches } from "../graph";
import { type EdgeDef, type EngineHost, type FlowDef, FlowError, type NodeDef } from "../types";

export interface NodeContext {
  node: NodeDef;
  input: unknown;
  host: EngineHost;
  /** Evaluate JavaScript in the sandbox: `code` is the body of async (input, ctx). */
  js(code: string, input: unknown): Promise<unknown>;
  log(line: string): void;
  /** When the whole run must be over (epoch ms). */
  deadline: number;
  depth: number;
}

export interface NodeResult {
  output: unknown;
  /** For condition nodes: which `when` edges to follow. */
  branch?: "true" | "false";
}

/** What `next` sees: the node, what its run gave, its outgoing edges, and a way to walk branches. */
export interface StepContext {
  node: NodeDef;
  result: NodeResult;
  edges: EdgeDef[];
  /** Walk a branch from node `to` until it arrives where branches meet (`meetsAt`), or the run ends. */
  branch(to: string, input: unknown): Promise<{ output: unknown; meetsAt?: string }>;
}

/**
 * Where the walk goes: on to a node with an input, or the run is over with an output.
 * `joined` says the branches have already met, so a node where branches meet runs
 * instead of ending the branch that arrived at it.
 */
export type Step = { to: string; input: unknown; joined?: boolean } | { done: unknown };

/** A problem with a node's place in the graph; the validator adds the node's path. */
export interface ShapeProblem {
  rule: string;
  message: string;
}

/** The facts about a flow that shape rules read (the flow is known to be acyclic, its edges sound). */
export interface FlowGraph {
  readonly flow: FlowDef;
  outgoing(id: string): EdgeDef[];
  incoming(id: string): EdgeDef[];
  kindOf(id: string): RegisteredKind;
  /** Where the branches of a node that opens them go: see `graph.ts` `branchesOf`. */
  branches(id: string): Branches;
}

/**
 * One setting of a node type, as the editor shows it: what kind of value (so it can offer
 * the right control and pickers that know the model), whether it is required, and a hint.
 * `check` stays the authority on what is valid; this describes, it does not decide.
 */
export interface Setting {
  readonly key: string;
  readonly kind: "text" | "code" | "expression" | "number" | "json" | "entity" | "field" | "flow" | "select";
  readonly hint: string;
  readonly required?: boolean;
  readonly options?: readonly string[];
  /** For a `field`: the setting naming its entity type. */
  readonly of?: string;
  /** Shown only when another setting has one of these values. */
  readonly when?: { readonly key: string; readonly is: readonly string[] };
  readonly min?: number;
  readonly max?: number;
  readonly example?: string;
}

export interface NodeKind {
  readonly type: string;
  /** What the node does, in a sentence (the editor's palette and config panel show it). */
  readonly summary: string;
  /** Its settings, in the order the config panel shows them. */
  readonly settings: readonly Setting[];
  /** How many nodes of this type a flow needs (start: exactly one; end: at least one). */
  readonly perFlow?: { min: number; max?: number };
  /** Every run begins at the flow's node of this type (start). */
  readonly startsRun?: boolean;
  /** How a walk that reaches this node ends there: with the run's output, or failing. Graph checks use it. */
  readonly endsRun?: "output" | "failure";
  /** Opens branches that run at once (parallel). */
  readonly opensBranches?: boolean;
  /** Branches meet here: a branch's walk stops on arriving, and the node runs once with every branch's output (join). */
  readonly meetsBranches?: boolean;
  /** Problems with the node's settings, as "setting: message". */
  check(node: NodeDef): string[];
  /** Problems with the node's place in the graph; default `leadsOn` (one edge out, no `when`). */
  shape?(node: NodeDef, g: FlowGraph): ShapeProblem[];
  /** Do the node's work on its input. */
  run(c: NodeContext): Promise<NodeResult>;
  /** Where the walk goes once the node ran; default `followEdge` (its one outgoing edge). */
  next?(c: StepContext): Step | Promise<Step>;
}

/** A kind as the registry hands it out: the defaults filled in. */
export type RegisteredKind = NodeKind & Required<Pick<NodeKind, "shape" | "next">>;

/** The shape of most nodes: exactly one edge out, carrying no `when`. */
export function leadsOn(node: NodeDef, g: FlowGraph): ShapeProblem[] {
  const out = g.outgoing(node.id);
  const problems = noWhen(node, out);
  if (!out.length) problems.push({ rule: "edges", message: `node ${node.id} leads nowhere: every path must end at an end or error node` });
  if (out.length > 1) problems.push({ rule: "edges", message: `node ${node.id} has ${out.length} outgoing edges; branch with a condition or a parallel node` });
  return problems;
}

/** The shape of a node where the run stops: nothing leads on from it. */
export function leadsNowhere(node: NodeDef, g: FlowGraph): ShapeProblem[] {
  return g.outgoing(node.id).length ? [{ rule: "edges", message: `${node.type} node ${node.id} must not lead anywhere` }] : [];
}

/** Only conditions label their edges. */
export function noWhen(node: NodeDef, out: EdgeDef[]): ShapeProblem[] {
  return out.some((e) => e.when !== undefined) ? [{ rule: "edges", message: `only edges from a condition node carry "when" (node ${node.id})` }] : [];
}

/** The usual next step: along the node's one outgoing edge, with its output. */
export function followEdge(c: StepContext): Step {
  const edge = c.edges[0];
  if (!edge) throw new FlowError(c.node.id, `node ${c.node.id} leads nowhere`);
  return { to: edge.to, input: c.result.output };
}

export const str = (node: NodeDef, key: string): string | undefined => (typeof node[key] === "string" ? (node[key] as string) : undefined);
export const need = (node: NodeDef, key: string, what: string): string[] =>
  typeof node[key] === "string" && (node[key] as string).trim() ? [] : [`${key}: ${what} is required`];
export const expr = (e: string) => `return (${e}\n);`;
