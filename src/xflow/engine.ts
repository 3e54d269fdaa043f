// Runs a flow: from start, each node's output is the next node's input; conditions pick
// their "true"/"false" edges; parallel branches run at once and meet at a join; nodes
// retry with backoff when configured; the run stops at end (output) or error (message),
// and never outlives its time limit. Knows nothing of storage or transports.
import { ScriptError, type Sandbox } from "../sandbox/sandbox";
import { DEFAULT_SCRIPT_TIMEOUT_MS, FlowError, type EngineHost, type FlowDef, type NodeDef, type NodeRun, type RunOptions, type RunRecord } from "./types";
import { nodeKinds } from "./nodes/registry";
import { outgoing } from "./graph";
import { TorqueError } from "../lib/errors";

interface Walk {
  flow: FlowDef;
  opts: RunOptions;
  host: EngineHost;
  sandbox: Sandbox;
  deadline: number;
  nodes: NodeRun[];
  out: ReturnType<typeof outgoing>;
  byId: Map<string, NodeDef>;
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** Per node: at most this many log lines of at most LOG_LINE_CHARS each (the rest is dropped, and said so). */
export const MAX_LOG_LINES = 200;
const LOG_LINE_CHARS = 2000;

function logSink() {
  const lines: string[] = [];
  let dropped = 0;
  return {
    lines,
    push(line: string) {
      if (lines.length < MAX_LOG_LINES) lines.push(line.length > LOG_LINE_CHARS ? line.slice(0, LOG_LINE_CHARS) + "…" : line);
      else if (++dropped === 1) lines.push(`(more log lines dropped: at most ${MAX_LOG_LINES} per node)`);
    },
  };
}

async function runNode(w: Walk, node: NodeDef, input: unknown) {
  const kind = nodeKinds[node.type]!;
  const sink = logSink();
  const logs = sink.lines;
  const started = Date.now();
  const t0 = performance.now();
  const retry = node.retry as { attempts: number; backoffMs?: number } | undefined;
  const attempts = retry?.attempts ?? 1;
  let lastError: unknown;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    if (Date.now() >= w.deadline) throw new FlowError(node.id, `the run passed its time limit of ${w.opts.timeoutMs} ms`);
    try {
      const result = await kind.run({
        node,
        input,
        host: w.host,
        depth: w.opts.depth,
        deadline: w.deadline,
        log: (line) => sink.push(line),
        js: (code, data) =>
          w.sandbox.run(code, data, {
            call: (op, args) => hostCall(w.host, op, args),
            log: (line) => sink.push(line),
            meta: () => ({ runId: w.opts.runId, app: w.opts.app, flow: w.flow.name, node: node.id, trigger: w.opts.trigger }),
          }, { timeoutMs: Math.max(1, Math.min(Number(node.timeoutMs ?? DEFAULT_SCRIPT_TIMEOUT_MS), w.deadline - Date.now())) }),
      });
      w.nodes.push({ id: node.id, type: node.type, status: "succeeded", startedAt: new Date(started).toISOString(), ms: performance.now() - t0, attempts: attempt, logs });
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
  w.nodes.push({ id: node.id, type: node.type, status: "failed", startedAt: new Date(started).toISOString(), ms: performance.now() - t0, attempts, error: text, logs });
  throw lastError instanceof FlowError ? lastError : new FlowError(node.id, text);
}

/** A script's ctx.* call, delegated to the host with its arguments checked for shape. */
function hostCall(host: EngineHost, op: string, args: unknown[]): Promise<unknown> {
  const s = (i: number) => {
    if (typeof args[i] !== "string") throw new TypeError(`${op}: argument ${i + 1} must be text`);
    return args[i] as string;
  };
  switch (op) {
    case "entities.query": return host.entities.query(s(0), (args[1] ?? {}) as Record<string, unknown>);
    case "entities.get": return host.entities.get(s(0), s(1));
    case "entities.create": return host.entities.create(s(0), args[1]);
    case "entities.update": return host.entities.update(s(0), s(1), args[2], (args[3] ?? {}) as { expectedVersion?: number });
    case "entities.delete": return host.entities.delete(s(0), s(1));
    case "fetch": return host.fetch(s(0), (args[1] ?? {}) as never);
    default: return Promise.reject(new TypeError(`ctx has no ${op}`));
  }
}

/** Walk from a node until an end (returns its output) or, inside a branch, a join (returns there). */
async function walk(w: Walk, fromId: string, input: unknown, stopAtJoin: boolean): Promise<{ output: unknown; join?: string }> {
  let id = fromId;
  let value = input;
  for (;;) {
    const node = w.byId.get(id)!;
    if (node.type === "join" && stopAtJoin) return { output: value, join: id };
    const r = await runNode(w, node, value);
    value = r.output;
    if (node.type === "end") return { output: value };
    const edges = w.out.get(id)!;
    if (node.type === "parallel") {
      const branches = await Promise.all(edges.map((e) => walk(w, e.to, value, true)));
      const joins = new Set(branches.map((b) => b.join));
      if (joins.size !== 1 || !branches[0]!.join) throw new FlowError(id, "the branches of a parallel node must all meet at the same join node");
      const j = w.byId.get(branches[0]!.join)!;
      const r2 = await runNode(w, j, branches.map((b) => b.output));
      value = r2.output;
      id = w.out.get(j.id)![0]!.to;
      continue;
    }
    const next = node.type === "condition" ? edges.find((e) => e.when === r.branch) : edges[0];
    if (!next) throw new FlowError(id, `condition ${id} was ${r.branch}, and no edge is marked when "${r.branch}"`);
    id = next.to;
  }
}

export async function runFlow(flow: FlowDef, input: unknown, host: EngineHost, sandbox: Sandbox, opts: RunOptions): Promise<RunRecord> {
  const startedAt = new Date();
  const t0 = performance.now();
  const w: Walk = {
    flow, opts, host, sandbox,
    deadline: Date.now() + opts.timeoutMs,
    nodes: [],
    out: outgoing(flow),
    byId: new Map(flow.nodes.map((n) => [n.id, n as NodeDef])),
  };
  const record = (status: RunRecord["status"], extra: Partial<RunRecord>): RunRecord => ({
    id: opts.runId, app: opts.app, xflow: flow.name, trigger: opts.trigger, status, input, nodes: w.nodes,
    startedAt: startedAt.toISOString(), finishedAt: new Date().toISOString(), durationMs: performance.now() - t0, ...extra,
  });
  const start = flow.nodes.find((n) => n.type === "start");
  if (!start) return record("failed", { error: { node: null, message: "the flow has no start node" } });
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new FlowError(null, `the run passed its time limit of ${opts.timeoutMs} ms`)), opts.timeoutMs);
    });
    const { output } = await Promise.race([walk(w, start.id, input, false), timeout]);
    return record("succeeded", { output });
  } catch (e) {
    const node = e instanceof FlowError ? e.node : null;
    const msg = e instanceof TorqueError || e instanceof Error ? e.message : String(e);
    return record("failed", { error: { node, message: msg } });
  } finally {
    clearTimeout(timer);
  }
}
