// The sandbox's worker threads, on the server's thread. Scripts never run on the server's
// own thread: a script that spins in a native built-in (sorting a huge typed array, a
// giant string search) is out of reach of QuickJS's interrupt handler, so its worker is
// terminated (and replaced) once the run passes its deadline plus a grace, and the run
// fails as a timeout. Workers start lazily (a server that runs no scripts never loads
// QuickJS), grow to a bound under load, and extra workers retire when idle.
//
// Fairness: each app has its own queue, served round-robin, and may hold at most `perApp`
// workers, so one app's long scripts can never take every worker. A run started while a
// ctx call of another run is answered (a subflow, a write whose before-flow runs a
// script) is nested: it runs on its parent's worker, which waits for it anyway, so nested
// runs never wait for a free worker and chains of them cannot deadlock. Every task
// carries its run's deadline: one still queued when it passes is dropped, never started.
import { AsyncLocalStorage } from "node:async_hooks";
import type { FromWorker, ToWorker } from "./protocol";
import { wasmModule } from "./quickjs";
import type { RunJob } from "./runner";
import { ScriptError } from "./types";

/** What a run may ask of the server (entities.*, fetch) and where its log lines go. */
export interface ScriptHost {
  /** An asynchronous power: its result crosses back as JSON. */
  call(op: string, args: unknown[]): Promise<unknown>;
  log(line: string): void;
  /** What `ctx.run` shows the script (run id, flow, node). */
  meta(): unknown;
}

export interface PoolOptions {
  /** Workers kept once started (the pool starts empty and fills on the first run). */
  min: number;
  /** Workers at most. */
  max: number;
  /** Workers one app's runs may hold at once (nested runs share their parent's). Default: half of `max`, at least 1. */
  perApp: number;
  /** Runs of one app waiting for a worker at most; one more is refused with a "busy" error. */
  maxQueue: number;
  /** Workers beyond `min` idle this long are stopped. */
  idleMs: number;
  /** How long past its deadline a run may take before its worker is terminated. */
  graceMs: number;
  /** How long making a new context may take (the first in a new worker loads QuickJS). */
  setupMs: number;
}

/**
 * At most 8 workers whatever the core count: each may grow its QuickJS memory to the
 * 256 MB ceiling (quickjs.ts), so the sandbox stays under 2 GB on any machine.
 */
const MAX_WORKERS = Math.min(8, Math.max(4, navigator.hardwareConcurrency));

export const DEFAULT_POOL: Omit<PoolOptions, "perApp"> = {
  min: 1,
  max: MAX_WORKERS,
  maxQueue: 1000,
  idleMs: 30_000,
  graceMs: 500,
  setupMs: 20_000,
};

// Inside the compiled binary every module's import.meta.url is the executable's, and the
// worker is a second entry point of the build, found by its path under src/ (see
// scripts/build.ts); from source it is the file beside this one.
const WORKER_URL = import.meta.url.includes("/$bunfs/") ? "./sandbox/worker.ts" : new URL("./worker.ts", import.meta.url).href;

interface Task {
  id: number;
  job: RunJob;
  host: ScriptHost;
  resolve: (output: string) => void;
  reject: (e: Error) => void;
  /** The worker running it (unset while queued). */
  slot?: Slot;
  /** While queued: drops the task at its deadline; once started: terminates a stuck worker. */
  timer?: ReturnType<typeof setTimeout>;
  /** When the script must be over (epoch ms), known once it started: nested runs end by then too. */
  ends: number;
}

/** Bun's Worker (the DOM type lacks ref/unref). */
type BunWorker = Worker & { ref(): void; unref(): void };

interface Slot {
  worker: BunWorker;
  /** The run that took this worker and the nested runs it waits for. */
  tasks: Map<number, Task>;
  /** The app whose run took this worker (counted against its `perApp`), until every task on it ended. */
  app?: string;
  /** Its QuickJS may be damaged or swollen: stopped once its tasks ended, and given no new run. */
  doomed?: boolean;
  idleSince: number;
}

/** Set while a ctx call of some run is being answered: runs started then are nested under it. */
const inCtxCall = new AsyncLocalStorage<Task>();

/**
 * Run `f` as work no script waits for (an after-write flow, started by a ctx call's write
 * but not awaited by it): its scripts take their own worker and time, not their parent's.
 */
export function detached<T>(f: () => T): T {
  return inCtxCall.exit(f);
}

export class WorkerPool {
  private readonly opts: PoolOptions;
  private slots = new Set<Slot>();
  private idle: Slot[] = [];
  /** Runs waiting for a worker, by app; Map order is the round-robin order. */
  private queues = new Map<string, Task[]>();
  /** Workers held by each app. */
  private held = new Map<string, number>();
  private nextId = 1;
  private reaper: ReturnType<typeof setInterval> | undefined;
  private closed = false;
  /** QuickJS compiled once here, handed to every worker (set by the first run). */
  private module: WebAssembly.Module | undefined;
  /** A hardening recipe a worker had to find anew (hardening.ts), handed to later ones. */
  private recipe: string | undefined;

  constructor(opts: Partial<PoolOptions> = {}) {
    const o = { ...DEFAULT_POOL, ...opts };
    this.opts = { ...o, perApp: o.perApp ?? Math.max(1, Math.floor(o.max / 2)) };
  }

  /** Workers running now (for tests and diagnostics). */
  get size(): number {
    return this.slots.size;
  }

  /** Run one job; resolves with the script's result as JSON text, or fails with a ScriptError. */
  async run(job: RunJob, host: ScriptHost): Promise<string> {
    const parent = inCtxCall.getStore();
    this.module ??= await wasmModule();
    return new Promise((resolve, reject) => {
      if (this.closed) return reject(new ScriptError("crashed", "the sandbox is closed"));
      const deadline = job.deadline ?? Number.POSITIVE_INFINITY;
      if (deadline <= Date.now()) return reject(lateError());
      const task: Task = { id: this.nextId++, job, host, resolve, reject, ends: deadline };
      const parentSlot = parent?.slot;
      if (parent && parentSlot && this.slots.has(parentSlot) && parentSlot.tasks.get(parent.id) === parent) {
        // Nested: its parent's script waits for it, so it may not outlive that script either.
        task.job = { ...job, deadline: Math.min(deadline, parent.ends) };
        return this.start(parentSlot, task);
      }
      const queue = this.queues.get(job.app) ?? [];
      if (queue.length >= this.opts.maxQueue)
        return reject(new ScriptError("busy", `the sandbox is busy: ${queue.length} scripts of this app are already waiting for a worker; try again later`));
      queue.push(task);
      this.queues.set(job.app, queue);
      if (job.deadline !== undefined) task.timer = setTimeout(() => this.expire(task), job.deadline - Date.now());
      this.pump();
    });
  }

  /** Start waiting runs while workers are free, taking apps in turn, each within its share. */
  private pump() {
    while (!this.closed && (this.idle.length || this.slots.size < this.opts.max)) {
      const task = this.next();
      if (!task) return;
      const slot = this.idle.pop() ?? this.spawn();
      slot.app = task.job.app;
      this.held.set(slot.app, (this.held.get(slot.app) ?? 0) + 1);
      this.start(slot, task);
    }
  }

  /** The next run to start: the first queued run of the first app (in turn) below its share. */
  private next(): Task | undefined {
    for (const [app, queue] of this.queues) {
      if ((this.held.get(app) ?? 0) >= this.opts.perApp) continue;
      const task = queue.shift()!;
      this.queues.delete(app);
      if (queue.length) this.queues.set(app, queue); // its turn is over: to the back
      clearTimeout(task.timer);
      return task;
    }
    return undefined;
  }

  /** A queued run whose deadline passed: dropped, never started (its run has already failed). */
  private expire(task: Task) {
    const queue = this.queues.get(task.job.app);
    const i = queue?.indexOf(task) ?? -1;
    if (i < 0) return;
    queue!.splice(i, 1);
    if (!queue!.length) this.queues.delete(task.job.app);
    task.reject(lateError());
  }

  private spawn(): Slot {
    const worker = new Worker(WORKER_URL, { smol: true } as WorkerOptions) as BunWorker;
    const slot: Slot = { worker, tasks: new Map(), idleSince: Date.now() };
    worker.onmessage = (e: MessageEvent<FromWorker>) => this.message(slot, e.data);
    worker.onerror = (e) => this.lost(slot, `its worker failed: ${(e as ErrorEvent).message ?? "unknown error"}`);
    worker.addEventListener("close", () => this.lost(slot, "its worker stopped unexpectedly"));
    worker.postMessage({ t: "init", module: this.module!, recipe: this.recipe } satisfies ToWorker);
    this.slots.add(slot);
    return slot;
  }

  private start(slot: Slot, task: Task) {
    task.slot = slot;
    slot.tasks.set(task.id, task);
    slot.worker.ref(); // a CLI command waiting for this run must not exit
    this.clock(task);
    const { app, code, input, meta, limits, deadline } = task.job;
    slot.worker.postMessage({ t: "run", id: task.id, app, code, input, meta, limits, deadline } satisfies ToWorker);
  }

  /** The script's clock starts (at start, and again once a new context is made): when it must end, and the stuck-worker timer. */
  private clock(task: Task) {
    task.ends = Math.min(Date.now() + task.job.limits.timeoutMs, task.job.deadline ?? Number.POSITIVE_INFINITY);
    this.arm(task, task.ends - Date.now() + this.opts.graceMs);
  }

  private arm(task: Task, ms: number) {
    clearTimeout(task.timer);
    task.timer = setTimeout(() => this.overrun(task), ms);
  }

  private message(slot: Slot, m: FromWorker) {
    const task = slot.tasks.get(m.id);
    if (!task) return; // from a run that has already ended
    switch (m.t) {
      case "call":
        return void this.answer(slot, task, m.call, m.op, m.args);
      case "log":
        return task.host.log(m.line);
      case "recipe":
        return void (this.recipe = m.recipe);
      case "setup":
        return this.arm(task, this.opts.setupMs);
      case "started":
        return this.clock(task);
      case "done":
        if (m.recycle) slot.doomed = true;
        this.ended(slot, task);
        return task.resolve(m.output);
      case "failed":
        // A memory bomb may have grown the worker's WebAssembly memory to its ceiling,
        // which never shrinks: a fresh worker gives it back.
        if (m.recycle || m.kind === "memory" || m.kind === "crashed") slot.doomed = true;
        this.ended(slot, task);
        return task.reject(new ScriptError(m.kind, m.message));
    }
  }

  /** A ctx call: answered by the host (runs it starts are nested under this task), the answer posted back. */
  private async answer(slot: Slot, task: Task, call: number, op: string, args: string) {
    let reply: ToWorker;
    try {
      const value = await inCtxCall.run(task, () => task.host.call(op, JSON.parse(args) as unknown[]));
      reply = { t: "reply", id: task.id, call, value: value === undefined ? undefined : JSON.stringify(value) };
    } catch (e) {
      reply = { t: "reply", id: task.id, call, error: e instanceof Error ? e.message : String(e) };
    }
    if (slot.tasks.get(task.id) === task) slot.worker.postMessage(reply);
  }

  /** A run on this worker ended normally; once none is left, the worker is free for the next app in turn. */
  private ended(slot: Slot, task: Task) {
    clearTimeout(task.timer);
    slot.tasks.delete(task.id);
    if (slot.tasks.size) return;
    this.unhold(slot);
    if (slot.doomed) return this.retire(slot);
    slot.worker.unref();
    slot.idleSince = Date.now();
    this.idle.push(slot);
    this.pump();
    if (this.slots.size > this.opts.min && !this.closed) this.reaper ??= setInterval(() => this.reap(), Math.max(10, this.opts.idleMs / 2)).unref() as never;
  }

  private unhold(slot: Slot) {
    if (slot.app === undefined) return;
    const n = (this.held.get(slot.app) ?? 1) - 1;
    if (n) this.held.set(slot.app, n);
    else this.held.delete(slot.app);
    slot.app = undefined;
  }

  /** The run passed its deadline and grace: stuck, most likely in a native built-in. */
  private overrun(task: Task) {
    const slot = task.slot;
    if (!slot?.tasks.has(task.id)) return;
    const ms = task.job.limits.timeoutMs;
    this.retire(
      slot,
      (t) =>
        new ScriptError(
          t === task ? "timeout" : "crashed",
          t === task
            ? `the script ran out of time (${ms} ms) and was stopped`
            : "the script was stopped: a script started under the same run (a subflow or a write's before-flow) ran past its time limit and their worker had to be stopped",
        ),
    );
  }

  private lost(slot: Slot, why: string) {
    if (!this.slots.has(slot)) return;
    this.retire(slot, () => new ScriptError("crashed", `the script could not finish: ${why}`));
  }

  /** Terminate a worker (its runs, if any, fail with `why`); start a replacement if runs are waiting. */
  private retire(slot: Slot, why?: (t: Task) => ScriptError) {
    const tasks = [...slot.tasks.values()];
    slot.tasks.clear();
    this.unhold(slot);
    this.slots.delete(slot);
    this.idle = this.idle.filter((s) => s !== slot);
    slot.worker.terminate();
    for (const t of tasks) {
      clearTimeout(t.timer);
      t.reject(why?.(t) ?? new ScriptError("crashed", "the script's worker was stopped"));
    }
    this.pump();
  }

  /** Stop workers beyond the minimum that have been idle for idleMs. */
  private reap() {
    const now = Date.now();
    for (const slot of [...this.idle]) {
      if (this.slots.size <= this.opts.min) break;
      if (now - slot.idleSince >= this.opts.idleMs) this.retire(slot);
    }
    if (this.slots.size <= this.opts.min) {
      clearInterval(this.reaper);
      this.reaper = undefined;
    }
  }

  /** Stop every worker; runs still waiting fail. */
  close(): void {
    this.closed = true;
    clearInterval(this.reaper);
    for (const queue of this.queues.values())
      for (const t of queue) {
        clearTimeout(t.timer);
        t.reject(new ScriptError("crashed", "the sandbox was closed before the script ran"));
      }
    this.queues.clear();
    for (const slot of [...this.slots]) this.retire(slot, () => new ScriptError("crashed", "the sandbox was closed while the script ran"));
  }
}

/** Why a run's script never started: its time limit passed while it waited for a worker. */
const lateError = () => new ScriptError("timeout", "the run passed its time limit before a worker was free to start the script; it was not started");
