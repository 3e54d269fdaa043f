// How large a model may be. Every door (GraphQL, JSON-RPC, MCP, the CLI) saves and checks
// models through the one validator, which measures these first: a document over any of them
// is refused with a message naming the part and the limit, before anything walks, compiles
// or stores it. The schema (schema.ts) carries the same numbers as maxItems, so a tool that
// reads schema/model.schema.json knows them too.
import type { Issue } from "../lib/errors";

/** Bytes of a model document's JSON (UTF-8). A model is read whole by every door that shows it and kept in memory per app. */
export const MODEL_SIZE_LIMITS = {
  /** The whole document. */
  documentBytes: 4 * 1024 * 1024,
  /** The code of one script node (a flow with more belongs in several nodes or a subflow). */
  scriptBytes: 256 * 1024,
} as const;

/**
 * How many of each part a model may hold. Each bounds work that grows with it: entity types
 * and fields the indexes, full-text tables and metadata every app derives (a 300-type model
 * of 30 fields is about 10,000 indexes); components what a page loads and lays out; nodes
 * and edges what one run of a flow may do.
 */
export const MODEL_COUNT_LIMITS = {
  entityTypes: 1000,
  fieldsPerType: 500,
  componentsPerPage: 200,
  nodesPerFlow: 200,
  edgesPerFlow: 400,
} as const;

const n = (x: number) => x.toLocaleString("en-US");

/** `entity type "order" has 2,000 fields; a type may have at most 500`: the one sentence for a part over its count limit. */
export const tooManyMessage = (holder: string, count: number, things: string, owner: string, limit: number): string =>
  `${holder} has ${n(count)} ${things}; ${owner} may have at most ${n(limit)}`;

/** How a named part is called in a limit's message: its name when it has a usable one, else its place. */
export function partName(what: string, item: unknown, path?: string): string {
  const name = typeof item === "object" && item !== null ? (item as { name?: unknown }).name : undefined;
  if (typeof name === "string" && name.length > 0 && name.length <= 100) return `${what} ${JSON.stringify(name)}`;
  return path ? `the ${what} at ${path}` : `the ${what}`;
}

/** A flow over its node or edge limit (also `torque xflow validate` of one flow, through xflow/validate.ts). */
export function flowLimitIssues(flow: Record<string, unknown>, base: string, name: string): Issue[] {
  const L = MODEL_COUNT_LIMITS;
  const out: Issue[] = [];
  if (Array.isArray(flow.nodes) && flow.nodes.length > L.nodesPerFlow)
    out.push({ path: `${base}/nodes`, rule: "maxItems", message: tooManyMessage(name, flow.nodes.length, "nodes", "a flow", L.nodesPerFlow) });
  if (Array.isArray(flow.edges) && flow.edges.length > L.edgesPerFlow)
    out.push({ path: `${base}/edges`, rule: "maxItems", message: tooManyMessage(name, flow.edges.length, "edges", "a flow", L.edgesPerFlow) });
  return out;
}
