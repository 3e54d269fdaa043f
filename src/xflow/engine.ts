// Runs a flow: from its start, each node runs with the previous node's output as input,
// retrying with backoff when configured, and its kind says where the walk goes next (a
// condition picks an edge, a parallel walks its branches at once until they meet at a
// join, an end finishes the run). The run stops at an end (output) or a failure (message),
// and never outlives its time limit. Knows no node type by name, nor storage or transports.

import { type Sandbox, ScriptError } from "../sandbox/sandbox";
import { outgoing } from "./graph";
import { nodeKind, type RegisteredKind, startOf } from "./nodes/registry";
import { DEFAULT_SCRIPT_TIMEOUT_MS, type EngineHost, type FlowDef, FlowError, type NodeDef, type NodeRun, type RunOptions, type RunRecord } from "./types";

interface Walk {
  flow: FlowDef;
  opts: RunOptions;
  host: EngineHost;
  sandbox: Sandbox;
  deadline: number;
  nodes: NodeRun[];
  out: ReturnType<typeof outgoing>;
  byId: Map<string, NodeDef>;
  /** Nodes running now: a run stopped by its time limit names the one it was stuck in. */
  running: Set<string>;
  /** Set when the run has ended (its time limit passed while branches still walked): nothing more of it may act. */
  over: boolean;
}

/** Error messages kept in a run record (and so in every answer about it): a script can throw megabytes. */
const MAX_MESSAGE_CHARS = 64 * 1024;
const clip = (s: string) => (s.length <= MAX_MESSAGE_CHARS ? s : `${s.slice(0, MAX_MESSAGE_CHARS)}… [cut: the message had ${s.length} characters]`);
const message = (e: unknown) => clip(e instanceof Error ? e.message : String(e));

/** Per node: at most this many log lines of at most LOG_LINE_CHARS each (the rest is dropped, and said so). */
const MAX_LOG_LINES = 200;
const LOG_LINE_CHARS = 2000;

function logSink() {
  const lines: string[] = [];
  let dropped = 0;
  return {
    lines,
    push(line: string) {
      if (lines.length < MAX_LOG_LINES) lines.push(line.length > LOG_LINE_CHARS ? `${line.slice(0, LOG_LINE_CHARS)}…` : line);
      else if (++dropped === 1) lines.push(`(more log lines dropped: at most ${MAX_LOG_LINES} per node)`);
    },
  };
}

async function runNode(w: Walk, node: NodeDef, kind: RegisteredKind, input: unknown) {
  w.running.add(node.id);
  try {
    return await attemptNode(w, node, kind, input);
  } finally {
    w.running.delete(node.id);
  }
}

async function attemptNode(w: Walk, node: NodeDef, kind: RegisteredKind, input: unknown) {
  const sink = logSink();
  const logs = sink.lines;
  const started = Date.now();
  w.opts.onProgress?.({ kind: "nodeStarted", node: node.id, type: node.type, startedAt: new Date(started).toISOString() });
  const finished = (r: NodeRun) => {
    w.nodes.push(r);
    w.opts.onProgress?.({ kind: "nodeFinished", node: r });
  };
  const t0 = performance.now();
  const retry = node.retry as { attempts: number; backoffMs?: number } | undefined;
  const attempts = retry?.attempts ?? 1;
  let lastError: unknown;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    if (w.over || Date.now() >= w.deadline) throw new FlowError(node.id, `the run passed its time limit of ${w.opts.timeoutMs} ms`);
    try {
      const result = await kind.run({
        node,
        input,
        host: w.host,
        depth: w.opts.depth,
        deadline: w.deadline,
        log: (line) => sink.push(line),
        js: (code, data) =>
          w.sandbox.run(
            code,
            data,
            {
              call: (op, args) => hostCall(w, op, args, (line) => sink.push(line)),
              log: (line) => sink.push(line),
              meta: () => ({ runId: w.opts.runId, app: w.opts.app, flow: w.flow.name, node: node.id, trigger: w.opts.trigger }),
            },
            { timeoutMs: Math.max(1, Math.min(Number(node.timeoutMs ?? DEFAULT_SCRIPT_TIMEOUT_MS), w.deadline - Date.now())) },
            w.deadline,
          ),
      });
      finished({
        id: node.id,
        type: node.type,
        status: "succeeded",
        startedAt: new Date(started).toISOString(),
        ms: performance.now() - t0,
        attempts: attempt,
        logs,
        input,
        output: result.output,
      });
      return result;
    } catch (e) {
      lastError = e;
      // Failing on purpose (error node) and failures of the sandbox's limits are final.
      if (e instanceof FlowError || (e instanceof ScriptError && e.kind !== "thrown") || attempt === attempts) break;
      const backoff = (retry?.backoffMs ?? 100) * 2 ** (attempt - 1);
      if (Date.now() + backoff >= w.deadline) break;
      sink.push(`attempt ${attempt} failed: ${message(e)}; retrying in ${backoff} ms`);
      await Bun.sleep(backoff);
    }
  }
  const text = message(lastError);
  finished({
    id: node.id,
    type: node.type,
    status: "failed",
    startedAt: new Date(started).toISOString(),
    ms: performance.now() - t0,
    attempts,
    error: text,
    logs,
    input,
  });
  throw lastError instanceof FlowError ? lastError : new FlowError(node.id, text);
}

/** A script's ctx.* call, delegated to the host with its arguments checked for shape; refused once the run is over. Fetches are logged to the node's log. */
function hostCall(w: Walk, op: string, args: unknown[], log: (line: string) => void): Promise<unknown> {
  if (w.over || Date.now() >= w.deadline) return Promise.reject(new Error(`ctx: the run passed its time limit of ${w.opts.timeoutMs} ms`));
  const host = w.host;
  const s = (i: number) => {
    if (typeof args[i] !== "string") throw new TypeError(`${op}: argument ${i + 1} must be text`);
    return args[i] as string;
  };
  switch (op) {
    case "entities.query":
      return host.entities.query(s(0), (args[1] ?? {}) as Record<string, unknown>);
    case "entities.get":
      return host.entities.get(s(0), s(1));
    case "entities.create":
      return host.entities.create(s(0), args[1]);
    case "entities.update":
      return host.entities.update(s(0), s(1), args[2], (args[3] ?? {}) as { expectedVersion?: number });
    case "entities.delete":
      return host.entities.delete(s(0), s(1));
    case "fetch":
      return host.fetch(s(0), (args[1] ?? {}) as never, log);
    default:
      return Promise.reject(new TypeError(`ctx has no ${op}`));
  }
}

/**
 * Walk from a node until the run is over (returns the output) or, inside a branch, until
 * the walk arrives where branches meet (returns there, naming the node).
 */
async function walk(w: Walk, fromId: string, input: unknown, inBranch: boolean): Promise<{ output: unknown; meetsAt?: string }> {
  let id = fromId;
  let value = input;
  let joined = false;
  for (;;) {
    const node = w.byId.get(id);
    if (!node) throw new FlowError(id, `an edge leads to ${id}, which is not a node of the flow`);
    const kind = nodeKind(node.type);
    if (!kind) throw new FlowError(id, `node ${id} has an unknown type "${node.type}"`);
    if (inBranch && kind.meetsBranches && !joined) return { output: value, meetsAt: id };
    const result = await runNode(w, node, kind, value);
    const step = await kind.next({ node, result, edges: w.out.get(id)!, branch: (to, v) => walk(w, to, v, true) });
    if ("done" in step) return { output: step.done };
    id = step.to;
    value = step.input;
    joined = step.joined === true;
  }
}

export async function runFlow(flow: FlowDef, input: unknown, host: EngineHost, sandbox: Sandbox, opts: RunOptions): Promise<RunRecord> {
  const startedAt = new Date();
  const t0 = performance.now();
  const w: Walk = {
    flow,
    opts,
    host,
    sandbox,
    deadline: Date.now() + opts.timeoutMs,
    nodes: [],
    out: outgoing(flow),
    byId: new Map(flow.nodes.map((n) => [n.id, n as NodeDef])),
    running: new Set(),
    over: false,
  };
  const record = (status: RunRecord["status"], extra: Partial<RunRecord>): RunRecord => ({
    id: opts.runId,
    app: opts.app,
    xflow: flow.name,
    trigger: opts.trigger,
    status,
    input,
    nodes: [...w.nodes],
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    durationMs: performance.now() - t0,
    ...extra,
  });
  const start = opts.from ? w.byId.get(opts.from.node) : startOf(flow);
  if (!start) return record("failed", { error: { node: null, message: opts.from ? `the flow has no node ${opts.from.node}` : "the flow has no start node" } });
  const first = opts.from ? opts.from.input : input;
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new FlowError(w.running.values().next().value ?? null, `the run passed its time limit of ${opts.timeoutMs} ms`)),
        opts.timeoutMs,
      );
    });
    const { output } = await Promise.race([walk(w, start.id, first, false), timeout]);
    return record("succeeded", { output });
  } catch (e) {
    const node = e instanceof FlowError ? e.node : null;
    return record("failed", { error: { node, message: message(e) } });
  } finally {
    w.over = true; // branches still walking (after a time-out) stop at their next step
    clearTimeout(timer);
  }
}
