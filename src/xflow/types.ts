// Shapes of the XFlow engine: flows (from the model), run records, and the host interface
// through which storage, HTTP and persistence plug in. The engine imports neither the
// store nor any transport.
import type { XFlow } from "../model/schema";

export type FlowDef = XFlow;
export type NodeDef = FlowDef["nodes"][number] & Record<string, unknown>;
export type EdgeDef = FlowDef["edges"][number];

export interface NodeRun {
  id: string;
  type: string;
  status: "succeeded" | "failed";
  startedAt: string;
  ms: number;
  attempts: number;
  error?: string;
  logs: string[];
  /** What the node was given and what it gave (kept capped in the history, run-caps.ts). */
  input?: unknown;
  output?: unknown;
}

/** What a run reports as it proceeds (the editor shows it on the diagram live). */
export type RunProgress = { kind: "nodeStarted"; node: string; type: string; startedAt: string } | { kind: "nodeFinished"; node: NodeRun };

export interface RunRecord {
  id: string;
  app: string;
  xflow: string;
  trigger: string;
  status: "succeeded" | "failed";
  input: unknown;
  output?: unknown;
  error?: { node: string | null; message: string };
  nodes: NodeRun[];
  startedAt: string;
  finishedAt: string;
  durationMs: number;
}

/** What the engine needs from the world; services implement it for one app and actor. */
export interface EngineHost {
  entities: {
    query(entity: string, options: Record<string, unknown>): Promise<unknown>;
    get(entity: string, id: string): Promise<unknown>;
    create(entity: string, data: unknown): Promise<unknown>;
    update(entity: string, id: string, data: unknown, options?: { expectedVersion?: number }): Promise<unknown>;
    delete(entity: string, id: string): Promise<unknown>;
  };
  /** HTTP to an allowed host, with a time limit; says what it sent or refused in `log` (the calling node's log). */
  fetch(
    url: string,
    init: { method?: string; headers?: Record<string, string>; body?: unknown },
    log?: (line: string) => void,
  ): Promise<{ status: number; headers: Record<string, string>; body: unknown }>;
  /** Run another flow of the same app (subflow nodes). */
  runSubflow(name: string, input: unknown, depth: number): Promise<RunRecord>;
}

export interface RunOptions {
  runId: string;
  app: string;
  trigger: string;
  /** Whole-run time limit. */
  timeoutMs: number;
  /** How many flows deep this run is (subflows, flows triggered by flows' writes). */
  depth: number;
  /** Begin at this node with this input instead of at the start (a re-run with an earlier node's output pinned). */
  from?: { node: string; input: unknown };
  /** Told of each node as it starts and finishes. */
  onProgress?(p: RunProgress): void;
}

export const MAX_DEPTH = 8;
/**
 * Workflow runs one trigger (a call, a webhook, a write, a schedule tick) may start in all:
 * itself, its subflows, and the flows its writes trigger, at any depth. Depth alone let a
 * parallel of four subflows calling itself start 21,844 runs from one request.
 */
export const MAX_RUNS_PER_TRIGGER = 100;
/** Branches of one parallel node. */
export const MAX_BRANCHES = 16;
export const DEFAULT_RUN_TIMEOUT_MS = 30_000;
export const DEFAULT_SCRIPT_TIMEOUT_MS = 1_000;

/** A failure inside a run: which node, and why. */
export class FlowError extends Error {
  constructor(
    readonly node: string | null,
    message: string,
  ) {
    super(message);
    this.name = "FlowError";
  }
}
