// Workflows of an app: run them (manual, webhook, schedule, subflow, entity lifecycle),
// record every run, and wire entity-triggered flows into the entity engine's hook points
// so a before* flow can reject or change a write whatever door it came through, and an
// after* flow runs after commit without holding up the writer.

import { AsyncLocalStorage } from "node:async_hooks";
import Ajv, { type ValidateFunction } from "ajv";
import { notFound, TorqueError, unauthenticated, validationError } from "../../lib/errors";
import { isPlainObject } from "../../lib/json";
import { detached, Sandbox } from "../../sandbox/sandbox";
import type { Driver } from "../../store/driver";
import { runFlow } from "../../xflow/engine";
import { branchesOf } from "../../xflow/graph";
import { nodeKind } from "../../xflow/nodes/registry";
import { DEFAULT_RUN_TIMEOUT_MS, type FlowDef, MAX_DEPTH, MAX_RUNS_PER_TRIGGER, type NodeRun, type RunProgress, type RunRecord } from "../../xflow/types";
import { audited, mustHave, mustReach } from "../access/deny";
import { requireApp } from "../access/policy";
import type { Actor } from "../actor";
import type { AppRuntime } from "../apps";
import type { EntityEvent, EntityEventName } from "../entities/types";
import type { Services } from "../index";
import { LIMITS, wholeNumber } from "../limits";
import { engineHost } from "./host";
import { capNode, capText, capValue, FIELD_BYTES } from "./run-caps";
import { RunLog } from "./runs";

export interface ExecuteOptions {
  actor: Actor;
  trigger?: string;
  depth?: number;
  /** Begin at this node with this input (an earlier node's output, pinned) instead of at the start. */
  from?: { node: string; input: unknown };
}

/** A run as it proceeds, told to those watching its flow (the editor's run view). Values capped as in the history. */
export type RunEvent = { runId: string; app: string; xflow: string; trigger: string } & (
  | { kind: "started"; input: unknown; from?: string; startedAt: string }
  | { kind: "nodeStarted"; node: string; type: string; startedAt: string }
  | { kind: "nodeFinished"; node: NodeRun }
  | { kind: "finished"; run: RunRecord }
);
type Watcher = (e: RunEvent) => void;
/** Watchers of one flow at most (each is an open subscription). */
const MAX_WATCHERS_PER_FLOW = 100;
/** Runs `start` may have in flight per app (each is a run nobody waits for). */
export const MAX_STARTED_PER_APP = 50;

/** What callers see of a run (JSON-RPC executeXFlow, MCP, CLI); its error message capped as in the history. */
export const runSummary = (r: RunRecord) => ({
  runId: r.id,
  status: r.status,
  ...(r.status === "succeeded" ? { output: r.output ?? null } : { error: r.error && { ...r.error, message: capText(r.error.message, FIELD_BYTES) } }),
  durationMs: Math.round(r.durationMs * 1000) / 1000,
});

/**
 * Everything one trigger started (the run a call, webhook, write or schedule started, its
 * subflows, the flows its writes trigger, at any depth) shares one budget of runs and the
 * root's deadline, so a chain can neither fan out without bound nor outlive its root.
 */
interface Chain {
  runs: number;
  deadline: number;
}

/** The chain a run belongs to, while its nodes and its ctx calls are answered. */
const chains = new AsyncLocalStorage<Chain>();

export class XFlowService {
  readonly sandbox = new Sandbox();
  readonly runs: RunLog;

  constructor(
    private readonly s: Services,
    private readonly db: Driver,
  ) {
    this.runs = new RunLog(db);
    // Only writes some entity-triggered flow listens to pay for the hooks.
    const when = (e: { app: string; entity: string; event: EntityEventName }) => this.listens(e.app, e.entity, e.event);
    for (const event of ["beforeCreate", "beforeUpdate", "beforeDelete"] as const) s.entities.hooks.on(event, (e) => this.before(e), 0, when);
    for (const event of ["afterCreate", "afterUpdate", "afterDelete"] as const) s.entities.hooks.on(event, (e) => this.after(e), 0, when);
  }

  /** Running a flow by hand takes the editor role, within the token's apps; a refusal is audited. */
  private async mayRun(actor: Actor, app: string, flow: string): Promise<void> {
    const entry = { action: "xflow.run", after: { app, xflow: flow } };
    await mustReach(this.db, actor, app, entry);
    await mustHave(this.db, actor, "editor", "run workflows", entry);
  }

  flowsOf(rt: AppRuntime): FlowDef[] {
    return rt.model.doc.xflows ?? [];
  }

  async list(app: string): Promise<{ name: string; trigger: string; description?: string }[]> {
    const rt = await this.s.apps.runtime(app);
    return this.flowsOf(rt).map((f) => ({ name: f.name, trigger: f.trigger?.type ?? "manual", ...(f.description && { description: f.description }) }));
  }

  /** Run a flow by name; the run is recorded whatever its outcome. */
  async execute(app: string, name: string, input: unknown, opts: ExecuteOptions): Promise<RunRecord> {
    await this.mayRun(opts.actor, app, name);
    const rt = await this.s.apps.runtime(app);
    const flow = this.flowsOf(rt).find((f) => f.name === name);
    if (!flow) throw notFound(`xflow in app ${rt.slug}`, name);
    return this.run(rt, flow, input, opts);
  }

  /**
   * Start a run and answer at once with its id (its progress goes to the flow's watchers,
   * its record to the history). What keeps it from starting (no such flow or node, an
   * input against the schema, a re-run from inside parallel branches) is thrown here.
   */
  async start(app: string, name: string, input: unknown, opts: ExecuteOptions): Promise<{ runId: string; done: Promise<RunRecord> }> {
    await this.mayRun(opts.actor, app, name);
    const rt = await this.s.apps.runtime(app);
    const flow = this.flowsOf(rt).find((f) => f.name === name);
    if (!flow) throw notFound(`xflow in app ${rt.slug}`, name);
    // Checked here too, so what keeps it from starting is the caller's error.
    if (opts.from) resumable(flow, opts.from);
    else checkInput(flow, input);
    // Nobody waits for a started run, so nothing else bounds how many are in flight.
    const inFlight = this.started.get(rt.slug) ?? 0;
    if (inFlight >= MAX_STARTED_PER_APP)
      throw new TorqueError("conflict", `app ${rt.slug} already has ${MAX_STARTED_PER_APP} started workflow runs in flight; wait for some to finish`, {
        rule: "runs",
      });
    this.started.set(rt.slug, inFlight + 1);
    const runId = Bun.randomUUIDv7();
    const done = this.run(rt, flow, input, opts, runId);
    // close() waits for it like for an after-write flow.
    const settle = () => {
      this.running.delete(tracked);
      const n = (this.started.get(rt.slug) ?? 1) - 1;
      if (n > 0) this.started.set(rt.slug, n);
      else this.started.delete(rt.slug);
    };
    const tracked: Promise<void> = done.then(settle, settle);
    this.running.add(tracked);
    return { runId, done };
  }

  /** Runs started by `start` and not yet over, per app. */
  private started = new Map<string, number>();

  private watchers = new Map<string, Set<Watcher>>();

  /** Whether a flow may be watched now: it exists and has room for one more watcher; throws why not. Returns its key. */
  async watchable(app: string, name: string, actor?: Actor): Promise<string> {
    if (actor?.grant) {
      const entry = { action: "xflow.runs", after: { app, xflow: name } };
      await mustHave(this.db, actor, "editor", "watch workflow runs", entry);
      await mustReach(this.db, actor, app, entry);
    }
    const rt = await this.s.apps.runtime(app);
    if (!this.flowsOf(rt).some((f) => f.name === name)) throw notFound(`xflow in app ${rt.slug}`, name);
    const key = `${rt.slug}\u0000${name}`;
    if ((this.watchers.get(key)?.size ?? 0) >= MAX_WATCHERS_PER_FLOW)
      throw new TorqueError("conflict", `workflow ${name} of app ${rt.slug} already has ${MAX_WATCHERS_PER_FLOW} watchers, the most one flow may have`, {
        rule: "watchers",
      });
    return key;
  }

  /**
   * Be told of every run of the flow `watchable` gave the key of, as it proceeds; returns
   * the way to stop. Synchronous, so a stream takes its watcher only when it starts.
   */
  watchKey(key: string, fn: Watcher): () => void {
    const set = this.watchers.get(key) ?? new Set();
    if (set.size >= MAX_WATCHERS_PER_FLOW)
      throw new TorqueError("conflict", `this workflow already has ${MAX_WATCHERS_PER_FLOW} watchers`, { rule: "watchers" });
    set.add(fn);
    this.watchers.set(key, set);
    return () => {
      set.delete(fn);
      if (!set.size && this.watchers.get(key) === set) this.watchers.delete(key);
    };
  }

  private tell(set: Set<Watcher> | undefined, e: RunEvent) {
    if (!set) return;
    for (const fn of set)
      try {
        fn(e);
      } catch (err) {
        console.error(`torque: a workflow run watcher failed: ${(err as Error).message}`);
      }
  }

  private async run(rt: AppRuntime, flow: FlowDef, input: unknown, opts: ExecuteOptions, runId = Bun.randomUUIDv7()): Promise<RunRecord> {
    const depth = opts.depth ?? opts.actor.depth ?? 0;
    if (depth >= MAX_DEPTH)
      throw new TorqueError("conflict", `workflow ${flow.name} not run: flows triggering flows went ${MAX_DEPTH} levels deep (a loop?)`, { rule: "depth" });
    const ownLimit = Number((flow as Record<string, unknown>).timeoutMs ?? DEFAULT_RUN_TIMEOUT_MS);
    const chain = chains.getStore() ?? { runs: 0, deadline: Date.now() + ownLimit };
    if (chain.runs >= MAX_RUNS_PER_TRIGGER)
      throw new TorqueError(
        "conflict",
        `workflow ${flow.name} not run: this trigger has already started ${MAX_RUNS_PER_TRIGGER} workflow runs (subflows and flows started by its writes count), the most one trigger may start`,
        { rule: "runs" },
      );
    const timeoutMs = Math.min(ownLimit, chain.deadline - Date.now());
    if (timeoutMs <= 0)
      throw new TorqueError("conflict", `workflow ${flow.name} not run: the run that started it has passed its time limit`, { rule: "deadline" });
    const checked = opts.from ? resumable(flow, opts.from) : checkInput(flow, input);
    chain.runs++;
    // The flow's reads and writes have the rights of its service identity (runAs), else of whoever triggered it.
    const grant = flow.runAs ? await this.s.users.grantOf(flow.runAs, `workflow ${flow.name} runAs`) : opts.actor.grant;
    const actor: Actor = { kind: "workflow", id: flow.name, depth: depth + 1, door: "workflow", ...(grant && { grant }) };
    // Writes and subflows of this run belong to its chain, also when a script's ctx call
    // (answered from a worker's message, outside this async context) makes them.
    const within = <T>(f: () => Promise<T>) => chains.run(chain, f);
    const host = engineHost(this.s, rt, actor, within, async (name, subInput, d) => {
      const sub = this.flowsOf(rt).find((f) => f.name === name);
      if (!sub) throw notFound(`xflow in app ${rt.slug}`, name);
      return within(() => this.run(rt, sub, subInput, { actor, trigger: "subflow", depth: d }));
    });
    // A run begun at a node is a re-run, whichever door asked for it.
    const trigger = opts.trigger ?? (opts.from ? "rerun" : "manual");
    // Progress is built only while someone watches the flow (the editor's run view), asked
    // at each event, so a watcher that arrives mid-run sees how it ends. Values a run passes
    // on unchanged are measured once (capNode's cache).
    const key = `${rt.slug}\u0000${flow.name}`;
    const about = { runId, app: rt.slug, xflow: flow.name, trigger };
    const sizes = new WeakMap<object, unknown>();
    let over = false;
    const onProgress = (p: RunProgress) => {
      const watching = this.watchers.get(key);
      if (over || !watching) return;
      this.tell(watching, p.kind === "nodeFinished" ? { ...about, kind: p.kind, node: capNode(p.node, sizes) } : { ...about, ...p });
    };
    const first = this.watchers.get(key);
    if (first)
      this.tell(first, {
        ...about,
        kind: "started",
        input: capValue(checked, FIELD_BYTES, "input"),
        ...(opts.from && { from: opts.from.node }),
        startedAt: new Date().toISOString(),
      });
    // Each app has its own QuickJS contexts (by id: ids are never reused).
    const record = await within(() =>
      runFlow(flow, checked, host, this.sandbox.forApp(String(rt.id)), {
        runId,
        app: rt.slug,
        trigger,
        timeoutMs,
        depth,
        from: opts.from,
        onProgress,
      }),
    );
    if (record.status === "succeeded") {
      const problem = checkOutput(flow, record.output);
      if (problem) Object.assign(record, { status: "failed", output: undefined, error: { node: null, message: problem } });
    }
    over = true; // a branch still walking after the time limit tells nothing more
    const kept = this.runs.add(rt.id, record, sizes);
    const last = this.watchers.get(key);
    if (last) this.tell(last, { ...about, kind: "finished", run: kept });
    return record;
  }

  /** One run; an actor with a grant must be an editor within the run's app. */
  async getRun(id: string, actor?: Actor): Promise<RunRecord> {
    const run = await this.runs.get(id);
    if (actor?.grant) {
      const entry = { action: "xflow.runs", after: { app: run.app, run: id } };
      await mustHave(this.db, actor, "editor", "read workflow runs", entry);
      await mustReach(this.db, actor, run.app, entry);
    }
    return run;
  }

  async listRuns(opts: { app?: string; xflow?: string; limit?: unknown }, actor?: Actor): Promise<RunRecord[]> {
    if (actor?.grant) {
      const entry = { action: "xflow.runs", after: { app: opts.app } };
      await mustHave(this.db, actor, "editor", "read workflow runs", entry);
      const apps = actor.grant.apps;
      if (apps) await audited(this.db, actor, entry, () => requireApp(actor, opts.app ?? `(all apps: name one of ${apps.join(", ")})`));
    }
    const limit = wholeNumber("limit", opts.limit, LIMITS.xflowRuns);
    const appId = opts.app === undefined ? undefined : (await this.s.apps.runtime(opts.app)).id;
    return this.runs.list({ appId, xflow: opts.xflow, limit });
  }

  /**
   * POST /hooks/<app>/<flow>: only flows with a webhook trigger answer. Once users exist a
   * webhook is not anonymous: the flow names the user it runs as (runAs), or the caller
   * brings a token (`caller`) whose rights it runs with.
   */
  async webhook(app: string, name: string, input: unknown, caller?: Actor): Promise<RunRecord> {
    if (caller) await mustReach(this.db, caller, app, { action: "xflow.webhook", after: { app, xflow: name } });
    const rt = await this.s.apps.runtime(app);
    const flow = this.flowsOf(rt).find((f) => f.name === name && f.trigger?.type === "webhook");
    if (!flow) throw notFound(`webhook flow in app ${rt.slug}`, name);
    if (!flow.runAs && !caller?.grant && (await this.s.users.anyUser()))
      throw unauthenticated(`webhook flow ${name} names no runAs user, so it takes a token: send Authorization: Bearer <token>`);
    if (caller?.grant) await mustHave(this.db, caller, "editor", "run workflows", { action: "xflow.webhook", after: { app, xflow: name } });
    return this.run(rt, flow, input, { actor: caller?.grant ? caller : { kind: "system", id: "webhook", door: "webhook" }, trigger: "webhook" });
  }

  /** Entity-triggered flows of a compiled model by "entity:event", built once per model version. */
  private triggers = new WeakMap<object, Map<string, FlowDef[]>>();

  private flowsFor(rt: AppRuntime, entity: string, event: EntityEventName): FlowDef[] {
    let map = this.triggers.get(rt.model);
    if (!map) {
      map = new Map();
      for (const f of this.flowsOf(rt))
        if (f.trigger?.type === "entity") {
          const k = `${String(f.trigger.entity)}:${String(f.trigger.event)}`;
          map.set(k, [...(map.get(k) ?? []), f]);
        }
      this.triggers.set(rt.model, map);
    }
    return map.get(`${entity}:${event}`) ?? [];
  }

  /** Synchronous: does a flow listen to this write? (Unknown until the app is loaded: assume so.) */
  private listens(app: string, entity: string, event: EntityEventName): boolean {
    const rt = this.s.apps.cached(app);
    return !rt || this.flowsFor(rt, entity, event).length > 0;
  }

  /** before* flows: a failed run rejects the write with its message; output.data replaces what is written. */
  private async before(e: EntityEvent): Promise<void> {
    const rt = await this.s.apps.runtime(e.app);
    for (const flow of this.flowsFor(rt, e.entity, e.event)) {
      const input = { entity: e.entity, event: e.event, data: e.data, ...(e.previous && { previous: e.previous }), ...(e.id && { id: e.id }) };
      const run = await this.run(rt, flow, input, { actor: e.actor, trigger: `entity.${e.event}` });
      if (run.status === "failed")
        throw validationError(
          [{ field: "xflow", rule: flow.name, message: capText(run.error?.message ?? "rejected", FIELD_BYTES) }],
          `${e.entity} (rejected by workflow ${flow.name})`,
        );
      if (e.event !== "beforeDelete" && isPlainObject(run.output) && isPlainObject(run.output.data)) e.data = run.output.data;
    }
  }

  /** after* flows in flight: close() waits for them (a CLI command must not exit mid-flow). */
  private running = new Set<Promise<void>>();

  /** after* flows run once the write is committed and answered; their failures are in the run history. */
  private after(e: EntityEvent): void {
    let done!: () => void;
    const p = new Promise<void>((r) => (done = r));
    this.running.add(p);
    void p.then(() => this.running.delete(p));
    // Nobody waits for it, so it is not nested under the script whose write started it.
    setImmediate(() =>
      detached(async () => {
        try {
          const rt = await this.s.apps.runtime(e.app);
          for (const flow of this.flowsFor(rt, e.entity, e.event)) {
            const input = { entity: e.entity, event: e.event, data: e.data, ...(e.previous && { previous: e.previous }), ...(e.id && { id: e.id }) };
            await this.run(rt, flow, input, { actor: e.actor, trigger: `entity.${e.event}` });
          }
        } catch (err) {
          console.error(`torque: after-write workflow failed to start: ${(err as Error).message}`);
        } finally {
          done();
        }
      }),
    );
  }

  async close(): Promise<void> {
    // Flows started by writes may start more writes and flows: wait until none is left.
    while (this.running.size) await Promise.all(this.running);
    await this.runs.flush();
    this.sandbox.close();
  }
}

/**
 * A re-run may begin at any node the walk reaches on its own, but not inside the branches
 * of a parallel node (nor at their join): those run only as a whole, from their parallel.
 */
function resumable(flow: FlowDef, from: { node: string; input: unknown }): unknown {
  const id = from.node;
  const problem = (message: string) => validationError([{ field: "from", rule: "node", message }], `re-run of workflow ${flow.name}`);
  const node = flow.nodes.find((n) => n.id === id);
  if (!node) throw problem(`the flow has no node "${id}"`);
  const kind = (t: string) => nodeKind(t);
  const typeOf = new Map(flow.nodes.map((n) => [n.id, n.type]));
  for (const fork of flow.nodes) {
    if (!kind(fork.type)?.opensBranches) continue;
    const b = branchesOf(
      flow,
      fork.id,
      (x) => !!kind(typeOf.get(x) ?? "")?.opensBranches,
      (x) => !!kind(typeOf.get(x) ?? "")?.meetsBranches,
    );
    if (b.inside.has(id) || b.meets.has(id)) throw problem(`node ${id} runs on the branches of parallel ${fork.id}; re-run from ${fork.id} instead`);
  }
  return from.input;
}

// A flow's input and output schemas are JSON Schema (checked with ajv, compiled once per schema).
const ajv = new Ajv({ allErrors: true, strict: false, logger: false, ownProperties: true }); // a property may be named "constructor"
const validators = new WeakMap<object, ValidateFunction>();

function schemaProblem(schema: Record<string, unknown> | undefined, value: unknown, what: string): string | undefined {
  if (!schema) return undefined;
  let v = validators.get(schema);
  if (!v) {
    try {
      validators.set(schema, (v = ajv.compile(schema)));
    } catch (e) {
      return `the flow's ${what} schema is not valid JSON Schema: ${(e as Error).message}`;
    }
  }
  if (v(value)) return undefined;
  return (v.errors ?? [])
    .slice(0, 5)
    .map((e) => `${what}${e.instancePath.replace(/\//g, ".")} ${e.message}`)
    .join("; ");
}

/** The flow's input must satisfy its `input` schema, or nothing runs. */
function checkInput(flow: FlowDef, input: unknown): unknown {
  const value = input ?? {};
  const problem = schemaProblem(flow.input, value, "input");
  if (problem) throw validationError([{ field: "input", rule: "schema", message: problem }], `input of workflow ${flow.name}`);
  return value;
}

function checkOutput(flow: FlowDef, output: unknown): string | undefined {
  const p = schemaProblem(flow.output, output ?? null, "output");
  return p ? `the flow's output does not match its schema: ${p}` : undefined;
}
