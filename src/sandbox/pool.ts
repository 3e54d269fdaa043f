// The sandbox's worker threads, on the server's thread. Scripts never run on the server's
// own thread: a script that spins in a native built-in (sorting a huge typed array, a
// giant string search) is out of reach of QuickJS's interrupt handler, so its worker is
// terminated (and replaced) once the run passes its deadline plus a grace, and the run
// fails as a timeout. One run at a time per worker, so a termination hurts only the run
// at fault. Workers start lazily (a server that runs no scripts never loads QuickJS),
// grow to a bound under load, queue beyond it (bounded: a full queue is a clear error),
// and extra workers retire when idle.
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
  /** Workers at most (runs started from inside a ctx call may go past it: see `run`). */
  max: number;
  /** Runs waiting for a worker at most; one more is refused with a "busy" error. */
  maxQueue: number;
  /** Workers beyond `min` idle this long are stopped. */
  idleMs: number;
  /** How long past its deadline a run may take before its worker is terminated. */
  graceMs: number;
  /** How long making a new context may take (the first in a new worker loads QuickJS). */
  setupMs: number;
}

export const DEFAULT_POOL: PoolOptions = {
  min: 1,
  max: Math.max(4, navigator.hardwareConcurrency),
  maxQueue: 1000,
  idleMs: 30_000,
  graceMs: 500,
  setupMs: 20_000,
};

/**
 * A run started while a ctx call is being answered (a subflow, or a write whose
 * before-flow runs a script) is nested: its parent holds a worker while it waits, so
 * nested runs may start up to this many workers beyond `max` rather than wait behind
 * work that cannot finish before them.
 */
const NESTED_EXTRA = 8;

// Inside the compiled binary every module's import.meta.url is the executable's, and the
// worker is a second entry point of the build, found by its path under src/ (see
// scripts/build.ts); from source it is the file beside this one.
const WORKER_URL = import.meta.url.includes("/$bunfs/") ? "./sandbox/worker.ts" : new URL("./worker.ts", import.meta.url).href;

interface Task {
  id: number;
  job: RunJob;
  host: ScriptHost;
  nested: boolean;
  resolve: (output: string) => void;
  reject: (e: Error) => void;
}

/** Bun's Worker (the DOM type lacks ref/unref). */
type BunWorker = Worker & { ref(): void; unref(): void };

interface Slot {
  worker: BunWorker;
  task?: Task;
  timer?: ReturnType<typeof setTimeout>;
  idleSince: number;
}

/** Set while a ctx call of some run is being answered: runs started then are nested. */
const inCtxCall = new AsyncLocalStorage<true>();

export class WorkerPool {
  private readonly opts: PoolOptions;
  private slots = new Set<Slot>();
  private idle: Slot[] = [];
  private queue: Task[] = [];
  private nextId = 1;
  private reaper: ReturnType<typeof setInterval> | undefined;
  private closed = false;
  /** QuickJS compiled once here, handed to every worker (set by the first run). */
  private module: WebAssembly.Module | undefined;
  /** A hardening recipe a worker had to find anew (hardening.ts), handed to later ones. */
  private recipe: string | undefined;

  constructor(opts: Partial<PoolOptions> = {}) {
    this.opts = { ...DEFAULT_POOL, ...opts };
  }

  /** Workers running now (for tests and diagnostics). */
  get size(): number {
    return this.slots.size;
  }

  /** Run one job; resolves with the script's result as JSON text, or fails with a ScriptError. */
  async run(job: RunJob, host: ScriptHost): Promise<string> {
    const nested = inCtxCall.getStore() === true;
    this.module ??= await wasmModule();
    return new Promise((resolve, reject) => {
      if (this.closed) return reject(new ScriptError("crashed", "the sandbox is closed"));
      const task: Task = { id: this.nextId++, job, host, nested, resolve, reject };
      const slot = this.idle.pop() ?? (this.slots.size < this.opts.max + (task.nested ? NESTED_EXTRA : 0) ? this.spawn() : undefined);
      if (slot) return this.start(slot, task);
      if (task.nested) return void this.queue.unshift(task);
      if (this.queue.length >= this.opts.maxQueue)
        return reject(new ScriptError("busy", `the sandbox is busy: ${this.queue.length} scripts are already waiting for a worker; try again later`));
      this.queue.push(task);
    });
  }

  private spawn(): Slot {
    const worker = new Worker(WORKER_URL, { smol: true } as WorkerOptions) as BunWorker;
    const slot: Slot = { worker, idleSince: Date.now() };
    worker.onmessage = (e: MessageEvent<FromWorker>) => this.message(slot, e.data);
    worker.onerror = (e) => this.lost(slot, `its worker failed: ${(e as ErrorEvent).message ?? "unknown error"}`);
    worker.addEventListener("close", () => this.lost(slot, "its worker stopped unexpectedly"));
    worker.postMessage({ t: "init", module: this.module!, recipe: this.recipe } satisfies ToWorker);
    this.slots.add(slot);
    return slot;
  }

  private start(slot: Slot, task: Task) {
    slot.task = task;
    slot.worker.ref(); // a CLI command waiting for this run must not exit
    this.arm(slot, task.job.limits.timeoutMs + this.opts.graceMs);
    const { app, code, input, meta, limits } = task.job;
    slot.worker.postMessage({ t: "run", id: task.id, app, code, input, meta, limits } satisfies ToWorker);
  }

  private arm(slot: Slot, ms: number) {
    clearTimeout(slot.timer);
    slot.timer = setTimeout(() => this.overrun(slot), ms);
  }

  private message(slot: Slot, m: FromWorker) {
    const task = slot.task;
    if (!task || m.id !== task.id) return; // from a run that has already ended
    switch (m.t) {
      case "call":
        return void this.answer(slot, task, m.call, m.op, m.args);
      case "log":
        return task.host.log(m.line);
      case "recipe":
        return void (this.recipe = m.recipe);
      case "setup":
        return this.arm(slot, this.opts.setupMs);
      case "started":
        return this.arm(slot, task.job.limits.timeoutMs + this.opts.graceMs);
      case "done":
        if (m.recycle) this.retire(slot);
        else this.finish(slot);
        return task.resolve(m.output);
      case "failed":
        // A memory bomb may have grown the worker's WebAssembly memory to its ceiling,
        // which never shrinks: a fresh worker gives it back.
        if (m.recycle || m.kind === "memory" || m.kind === "crashed") this.retire(slot);
        else this.finish(slot);
        return task.reject(new ScriptError(m.kind, m.message));
    }
  }

  /** A ctx call: answered by the host (as nested work, see NESTED_EXTRA), the answer posted back. */
  private async answer(slot: Slot, task: Task, call: number, op: string, args: string) {
    let reply: ToWorker;
    try {
      const value = await inCtxCall.run(true, () => task.host.call(op, JSON.parse(args) as unknown[]));
      reply = { t: "reply", id: task.id, call, value: value === undefined ? undefined : JSON.stringify(value) };
    } catch (e) {
      reply = { t: "reply", id: task.id, call, error: e instanceof Error ? e.message : String(e) };
    }
    if (slot.task === task) slot.worker.postMessage(reply);
  }

  /** The run ended normally: the worker takes the next waiting run or goes idle. */
  private finish(slot: Slot) {
    clearTimeout(slot.timer);
    slot.task = undefined;
    const next = this.queue.shift();
    if (next) return this.start(slot, next);
    slot.worker.unref();
    slot.idleSince = Date.now();
    this.idle.push(slot);
    if (this.slots.size > this.opts.min) this.reaper ??= setInterval(() => this.reap(), Math.max(10, this.opts.idleMs / 2)).unref() as never;
  }

  /** The run passed its deadline and grace: stuck, most likely in a native built-in. */
  private overrun(slot: Slot) {
    const task = slot.task;
    if (!task) return;
    this.retire(slot);
    task.reject(new ScriptError("timeout", `the script ran out of time (${task.job.limits.timeoutMs} ms) and was stopped`));
  }

  private lost(slot: Slot, why: string) {
    if (!this.slots.has(slot)) return;
    const task = slot.task;
    this.retire(slot);
    task?.reject(new ScriptError("crashed", `the script could not finish: ${why}`));
  }

  /** Terminate a worker; start a replacement if runs are waiting. */
  private retire(slot: Slot) {
    clearTimeout(slot.timer);
    slot.task = undefined;
    this.slots.delete(slot);
    this.idle = this.idle.filter((s) => s !== slot);
    slot.worker.terminate();
    const next = !this.closed && this.queue.shift();
    if (next) this.start(this.spawn(), next);
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
    for (const t of this.queue.splice(0)) t.reject(new ScriptError("crashed", "the sandbox was closed before the script ran"));
    for (const slot of [...this.slots]) {
      const task = slot.task;
      this.retire(slot);
      task?.reject(new ScriptError("crashed", "the sandbox was closed while the script ran"));
    }
  }
}
