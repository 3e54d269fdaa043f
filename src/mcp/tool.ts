// One MCP tool: a name, a description written for an agent, a JSON Schema for its
// arguments (checked before the call: a wrong shape is an error result naming the
// argument), and a thin call into the service layer.
import Ajv, { type ValidateFunction } from "ajv";
import { rangeMessage } from "../lib/errors";
import type { Services } from "../services";
import { atLeast } from "../services/access/policy";
import type { Actor, Role } from "../services/actor";
import type { Range } from "../services/limits";
import type { SessionToolset } from "./toolsets";

export interface ToolContext {
  services: Services;
  actor: Actor;
  /** The app this server is scoped to (`torque mcp --app S`, `/mcp?app=S`), if any. */
  app?: string;
  /** The session's typed tools of that app: which it lists, which types were enabled (toolsets.ts). */
  toolset?: SessionToolset;
  /** Tell this session's client that its tool list changed (sent before the call's answer). */
  toolListChanged?(): Promise<void>;
}

export interface Tool {
  name: string;
  description: string;
  inputSchema: Record<string, unknown> & { type: "object" };
  /**
   * Whether the actor is offered this tool (tools/list) and may call it. The services
   * decide every call regardless; this keeps an agent's list to what it can use.
   */
  offered?(actor: Actor): boolean;
  run(args: Record<string, unknown>, ctx: ToolContext): Promise<unknown>;
}

/** Offered to actors of at least this role (trusted actors: always). */
export const forRole =
  (min: Role) =>
  (actor: Actor): boolean =>
    !actor.grant || atLeast(actor.grant.role, min);

// Formats (date, email) are the entity service's to check, with its own messages.
// `verbose` gives each error its schema, so a bounded whole number can be named with its range.
// ownProperties: a field may be named "constructor", which every object inherits.
const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false, logger: false, verbose: true, ownProperties: true });
const compiled = new WeakMap<Tool, ValidateFunction>();

/** Problems with a call's arguments, as sentences an agent can act on. */
export function argumentProblems(tool: Tool, args: unknown): string[] {
  let v = compiled.get(tool);
  if (!v) compiled.set(tool, (v = ajv.compile(tool.inputSchema)));
  if (v(args)) return [];
  return (v.errors ?? []).slice(0, 10).map((e) => {
    const at = e.instancePath ? e.instancePath.slice(1).replace(/\//g, ".") : "arguments";
    if (e.keyword === "additionalProperties") return `${at}: unknown argument "${String(e.params.additionalProperty)}"`;
    if (e.keyword === "required") return `${at === "arguments" ? "" : `${at}: `}missing required argument "${String(e.params.missingProperty)}"`;
    if (e.keyword === "enum") return `${at}: must be one of ${(e.params.allowedValues as unknown[]).map((x) => JSON.stringify(x)).join(", ")}`;
    // The services' own sentence for a bounded whole number, as every other door says it.
    const s = e.parentSchema as { type?: unknown; minimum?: unknown; maximum?: unknown } | undefined;
    if (s?.type === "integer" && typeof s.minimum === "number" && typeof s.maximum === "number") return rangeMessage(at, s.minimum, s.maximum);
    return `${at}: ${e.message}`;
  });
}

export const obj = (properties: Record<string, unknown>, required: string[] = []): Tool["inputSchema"] => ({
  type: "object",
  properties,
  required,
  additionalProperties: false,
});
export const str = (description: string) => ({ type: "string", description });
/** A whole-number argument with the range its service enforces (services/limits.ts). */
export const count = (r: Range, description: string) => ({
  type: "integer",
  minimum: r.min,
  maximum: r.max,
  description: `${description} (${r.min} to ${r.max.toLocaleString("en-US")}, default ${r.default})`,
});
