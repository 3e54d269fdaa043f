// The contract of a node type (one file each, registered in registry.ts).
import type { EngineHost, NodeDef } from "../types";

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

export interface NodeKind {
  readonly type: string;
  /** Problems with the node's settings, as "setting: message". */
  check(node: NodeDef): string[];
  run(c: NodeContext): Promise<NodeResult>;
}

export const str = (node: NodeDef, key: string): string | undefined => (typeof node[key] === "string" ? (node[key] as string) : undefined);
export const need = (node: NodeDef, key: string, what: string): string[] => (typeof node[key] === "string" && (node[key] as string).trim() ? [] : [`${key}: ${what} is required`]);
export const expr = (e: string) => `return (${e}\n);`;
