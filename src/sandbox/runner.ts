// Runs scripts in QuickJS on the thread it lives on (a sandbox worker, see worker.ts).
// Each app has its own contexts (a runtime each), so whatever a script might leave behind
// can only ever meet later runs of the same app; contexts are reused (hardened: nothing
// survives a run) and one that hit a limit or still had ctx calls pending is discarded.
// Every run gets a fresh token; its ctx carries it, and the host refuses any other, so a
// ctx kept from an earlier run cannot act for a later one.
import {
  type QuickJSContext,
  type QuickJSDeferredPromise,
  type QuickJSHandle,
  type QuickJSRuntime,
  shouldInterruptAfterDeadline,
} from "quickjs-emscripten-core";
import { HARDEN_SOURCE, MAX_OUTPUT_CHARS } from "./hardening";
import { memoryUsed, quickjs } from "./quickjs";
import { HARDEN_RECIPE } from "./recipe";
import { ScriptError, type ScriptErrorKind, type ScriptLimits } from "./types";

/** How a run reaches the server: ctx calls answered as JSON text, and log lines. */
export interface RunIO {
  call(op: string, argsJson: string): Promise<string | undefined>;
  log(line: string): void;
  /** Told before and after a new context is made for the run (its clock starts after). */
  setup?(phase: "setup" | "started"): void;
}

export interface RunJob {
  /** Whose contexts to use: contexts are never shared between apps. */
  app: string;
  code: string;
  /** JSON text. */
  input: string;
  /** JSON text: what `ctx.run` shows. */
  meta: string;
  limits: ScriptLimits;
  /** When the run this script belongs to must be over (epoch ms): the script never runs past it, nor starts after it. */
  deadline?: number;
}

const MAX_CACHED_SCRIPTS = 200;
const LOG_LINE_CHARS = 4000;
/** Log lines forwarded per run (the engine keeps fewer); the rest never leave the worker. */
const MAX_LOG_LINES = 1000;
/** Idle contexts kept per runner, over all apps (the least recently used app's go first). */
const MAX_IDLE = 16;
/**
 * ctx calls (entities.*, fetch) a run may have in flight at once; further calls wait in
 * this thread, and those not yet sent when the run ends are dropped. A script looping on
 * calls it never awaits would otherwise queue unbounded work on the server's thread.
 */
export const MAX_CALLS_IN_FLIGHT = 16;
/** ctx calls one run may make in all; the next one fails saying so. */
export const MAX_CALLS = 1000;
/** An error message crossing back to the server is cut to this many characters (a script can throw megabytes). */
export const MAX_ERROR_CHARS = 16 * 1024;

export const STALE_CTX = "this ctx belongs to a run that has ended: a script can use only the ctx it was given, while its own run lasts";

interface RunState {
  token: number;
  io: RunIO;
  meta: string;
  deadline: number;
  pending: Set<QuickJSDeferredPromise>;
  wake: () => void;
  over: boolean;
  logs: number;
  /** ctx calls made, calls being answered, and calls waiting for one of those to finish. */
  calls: number;
  inFlight: number;
  waiting: (() => void)[];
}

class Vm {
  readonly fns = new Map<string, QuickJSHandle>();
  current: RunState | undefined;
  invoke!: QuickJSHandle;
  makeError!: QuickJSHandle;
  /** Function.prototype.toString, taken before any code ran in the context: compile() reads a function's source with it. */
  source!: QuickJSHandle;
  constructor(
    readonly runtime: QuickJSRuntime,
    readonly context: QuickJSContext,
  ) {}

  /** False when QuickJS could not free the runtime cleanly (then the module may be damaged). */
  dispose(): boolean {
    try {
      for (const h of this.fns.values()) h.dispose();
      this.invoke?.dispose();
      this.makeError?.dispose();
      this.source?.dispose();
      this.context.dispose();
      this.runtime.dispose();
      return true;
    } catch {
      // a runtime broken by a limit (an abort inside QuickJS) refuses to be freed cleanly
      return false;
    }
  }
}

/** The hardening search's recipe on this QuickJS, found from scratch (for recipe.ts and its test). */
export async function searchRecipe(): Promise<string> {
  const runner = new ScriptRunner();
  runner.recipe = undefined;
  await runner.run(
    { app: "search", code: "return 1", input: "null", meta: "null", limits: { timeoutMs: 60_000, memoryBytes: 64 * 1024 * 1024, stackBytes: 512 * 1024 } },
    { call: async () => undefined, log: () => {} },
  );
  runner.close();
  return runner.recipe!;
}

/** Share of the memory ceiling past which this thread's QuickJS counts as full (see quickjs.ts memoryUsed). */
export const NEAR_CEILING = 0.75;

/** A message cut to MAX_ERROR_CHARS, saying so. */
function clip(message: string): string {
  return message.length <= MAX_ERROR_CHARS ? message : `${message.slice(0, MAX_ERROR_CHARS)}… [cut: the message had ${message.length} characters]`;
}

function classify(message: string, timedOut: boolean): ScriptErrorKind {
  if (timedOut || /interrupted/i.test(message)) return "timeout";
  if (/out of memory|string too long|invalid string length|invalid array length/i.test(message)) return "memory";
  if (/stack overflow/i.test(message)) return "stack";
  return "thrown";
}

export class ScriptRunner {
  /**
   * `preamble` runs in every new context before hardening: tests use it to plant a leak
   * the hardening cannot find, to show what per-run ctx and per-app contexts still stop.
   */
  constructor(private readonly preamble?: string) {}

  /** Idle contexts by app; Map order is least recently used first. */
  private idle = new Map<string, Vm[]>();
  private idleCount = 0;
  private nextToken = 1;
  /**
   * How to reach the built-ins that only instances lead to (hardening.ts): replayed in
   * every new context. Starts as the one found at build time; a context where it does
   * not fit searches again and the new one is used from then on.
   */
  recipe: string | undefined = HARDEN_RECIPE;
  /** Set once a runtime could not be freed: this thread's QuickJS should be replaced. */
  damaged = false;

  private async create(limits: ScriptLimits): Promise<Vm> {
    const runtime = (await quickjs()).newRuntime();
    runtime.setMemoryLimit(limits.memoryBytes);
    runtime.setMaxStackSize(limits.stackBytes);
    const context = runtime.newContext();
    const vm = new Vm(runtime, context);
    vm.source = context.unwrapResult(context.evalCode("Function.prototype.toString", "source.js"));
    const host = context.newFunction("__host", (tokenH, opH, argsH) => {
      const state = vm.current;
      if (!state || state.over || context.typeof(tokenH) !== "number" || context.getNumber(tokenH) !== state.token) throw new Error(STALE_CTX);
      const op = context.getString(opH);
      if (op === "log") {
        // Host calls do not hit the interrupt handler: check the time here too.
        if (Date.now() > state.deadline) throw new Error("interrupted: the script ran out of time");
        if (++state.logs <= MAX_LOG_LINES) state.io.log((JSON.parse(context.getString(argsH)) as string[]).join(" ").slice(0, LOG_LINE_CHARS));
        return context.undefined;
      }
      if (op === "meta") return context.newString(state.meta);
      if (++state.calls > MAX_CALLS)
        throw new Error(`ctx: this run has already made ${MAX_CALLS} calls to ctx.entities and ctx.fetch, the most one run may make`);
      const args = context.getString(argsH);
      const deferred = context.newPromise();
      state.pending.add(deferred);
      const send = () => {
        state.inFlight++;
        state.io
          .call(op, args)
          .then(
            (text) => {
              if (state.over || !deferred.alive) return;
              const s = context.newString(text ?? "null");
              deferred.resolve(s);
              s.dispose();
            },
            (err) => {
              if (state.over || !deferred.alive) return;
              const msg = context.newString(err instanceof Error ? err.message : String(err));
              const made = context.callFunction(vm.makeError, context.undefined, msg);
              msg.dispose();
              const e = made.error ?? made.value;
              deferred.reject(e);
              e.dispose();
            },
          )
          .finally(() => {
            state.inFlight--;
            state.pending.delete(deferred);
            if (deferred.alive) deferred.dispose();
            if (!state.over) state.waiting.shift()?.();
            state.wake();
          });
      };
      if (state.inFlight < MAX_CALLS_IN_FLIGHT) send();
      else state.waiting.push(send);
      return deferred.handle;
    });
    context.setProp(context.global, "__host", host);
    host.dispose();
    if (this.recipe) {
      const r = context.newString(this.recipe);
      context.setProp(context.global, "__recipe", r);
      r.dispose();
    }
    if (this.preamble) context.unwrapResult(context.evalCode(this.preamble, "preamble.js")).dispose();
    const r = context.evalCode(HARDEN_SOURCE, "harden.js");
    if (r.error) {
      const msg = JSON.stringify(context.dump(r.error));
      r.error.dispose();
      vm.dispose();
      throw new Error(`sandbox set-up failed: ${msg}`);
    }
    vm.invoke = context.getProp(r.value, "invoke");
    vm.makeError = context.getProp(r.value, "error");
    const recipe = context.getProp(r.value, "recipe");
    if (context.typeof(recipe) === "string") this.recipe = context.getString(recipe);
    recipe.dispose();
    r.value.dispose();
    // Promises the search for hidden built-ins started settle now, not in a script's run.
    runtime.executePendingJobs().dispose();
    return vm;
  }

  private take(app: string): Vm | undefined {
    const list = this.idle.get(app);
    const vm = list?.pop();
    if (!vm) return undefined;
    this.idleCount--;
    this.idle.delete(app);
    if (list!.length) this.idle.set(app, list!); // now the most recently used
    return vm;
  }

  private release(app: string, vm: Vm) {
    const list = this.idle.get(app) ?? [];
    this.idle.delete(app);
    list.push(vm);
    this.idle.set(app, list);
    if (++this.idleCount <= MAX_IDLE) return;
    const [oldest, olds] = this.idle.entries().next().value!;
    olds.shift()!.dispose();
    this.idleCount--;
    if (!olds.length) this.idle.delete(oldest);
  }

  /**
   * Compile the body of `async (input, ctx) => { … }` once per context. The body is pasted
   * into a wrapper, so code could close it early (`return 1 }); let kept = …; (async
   * function () {`) and leave a global binding or a closure that outlives the run. The
   * function's own source text says where it really ended: only the wrapper's function
   * spans exactly `async function (input, ctx) {…CODE…}`, so any other answer is code
   * that broke out, and the context it ran in is thrown away (compile errors discard it).
   */
  private compile(vm: Vm, code: string): QuickJSHandle {
    const cached = vm.fns.get(code);
    if (cached) return cached;
    const fnText = `async function (input, ctx) {\n"use strict";\n${code}\n}`;
    // Anonymous and frozen: the compiled function is reused by later runs of the same code,
    // so a script must not be able to name it and keep state on it.
    const r = vm.context.evalCode(`Object.freeze(${fnText})`, "script.js");
    if (r.error) {
      const e = vm.context.dump(r.error) as { name?: string; message?: string };
      r.error.dispose();
      throw new ScriptError(
        e?.name === "SyntaxError" ? "syntax" : classify(String(e?.message), false),
        clip(`${e?.name ?? "Error"}: ${e?.message ?? String(e)}`),
      );
    }
    const src = vm.context.typeof(r.value) === "function" ? vm.context.callFunction(vm.source, r.value) : undefined;
    const text = src && !src.error ? vm.context.getString(src.value) : undefined;
    src?.dispose();
    if (text !== fnText) {
      r.value.dispose();
      throw new ScriptError(
        "syntax",
        "SyntaxError: the code closes the function it is the body of (a `}` with no matching `{` before it); a script is the body of async (input, ctx) => { … }",
      );
    }
    if (vm.fns.size >= MAX_CACHED_SCRIPTS) {
      const [k, h] = vm.fns.entries().next().value!;
      h.dispose();
      vm.fns.delete(k);
    }
    vm.fns.set(code, r.value);
    return r.value;
  }

  /** Run one script; resolves with its result as JSON text, or fails with a ScriptError. */
  async run(job: RunJob, io: RunIO): Promise<string> {
    let vm = this.take(job.app);
    if (!vm) {
      io.setup?.("setup");
      vm = await this.create(job.limits);
      io.setup?.("started");
    }
    const { timeoutMs } = job.limits;
    // Never past the run's own deadline: a script that waited for a worker does not get a fresh limit.
    const deadline = Math.min(Date.now() + timeoutMs, job.deadline ?? Number.POSITIVE_INFINITY);
    let wake = () => {};
    const state: RunState = {
      token: this.nextToken++,
      io,
      meta: job.meta,
      deadline,
      pending: new Set(),
      wake: () => wake(),
      over: false,
      logs: 0,
      calls: 0,
      inFlight: 0,
      waiting: [],
    };
    vm.current = state;
    const { context, runtime } = vm;
    // A pooled runtime keeps its old deadline and limits: every run sets its own.
    runtime.setInterruptHandler(shouldInterruptAfterDeadline(deadline));
    runtime.setMemoryLimit(job.limits.memoryBytes);
    runtime.setMaxStackSize(job.limits.stackBytes);
    let healthy = false;
    let promise: QuickJSHandle | undefined;
    try {
      if (deadline <= Date.now()) {
        healthy = true;
        throw new ScriptError("timeout", "the run passed its time limit before the script could start; it was not started");
      }
      const fn = this.compile(vm, job.code);
      const inputH = context.newString(job.input);
      const tokenH = context.newNumber(state.token);
      const call = context.callFunction(vm.invoke, context.undefined, fn, inputH, tokenH);
      inputH.dispose();
      tokenH.dispose();
      if (call.error) throw this.error(vm, call.error, Date.now() >= deadline);
      promise = call.value;
      for (;;) {
        const jobs = runtime.executePendingJobs();
        if (jobs.error) throw this.error(vm, jobs.error, Date.now() >= deadline);
        const st = context.getPromiseState(promise);
        if (st.type === "fulfilled") {
          const text = context.getString(st.value);
          st.value.dispose();
          if (text.startsWith("!")) {
            healthy = true;
            throw new ScriptError("output", text.slice(1));
          }
          if (text.length > MAX_OUTPUT_CHARS + 1)
            throw new ScriptError("output", `the script returned ${text.length - 1} characters of JSON; at most ${MAX_OUTPUT_CHARS} are allowed`);
          healthy = true;
          return text.slice(1);
        }
        if (st.type === "rejected") {
          const err = this.error(vm, st.error, Date.now() >= deadline);
          healthy = err.kind === "thrown";
          throw err;
        }
        // Waiting on the host (entities, fetch): sleep until one answers or time runs out.
        const left = deadline - Date.now();
        if (left <= 0 || state.pending.size === 0)
          throw new ScriptError("timeout", state.pending.size ? `the script ran out of time (${timeoutMs} ms)` : "the script's promise never settles");
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, left);
        });
      }
    } finally {
      state.over = true;
      state.waiting.length = 0; // calls never sent are dropped with the run
      vm.current = undefined;
      promise?.dispose();
      if (healthy && state.pending.size === 0) this.release(job.app, vm);
      else this.discard(vm, state);
    }
  }

  private error(vm: Vm, handle: QuickJSHandle, timedOut: boolean): ScriptError {
    const e = vm.context.dump(handle) as { name?: string; message?: string } | string;
    handle.dispose();
    const message = typeof e === "object" && e ? `${e.name ?? "Error"}: ${e.message ?? ""}` : String(e);
    // At the memory ceiling QuickJS may have no room for its error object and throw null.
    const kind = e === null && memoryUsed() > NEAR_CEILING ? "memory" : classify(message, timedOut);
    const text =
      kind === "timeout"
        ? "the script ran out of time"
        : kind === "memory"
          ? "the script ran out of memory"
          : kind === "stack"
            ? "the script overflowed its stack (too deep recursion)"
            : clip(message);
    return new ScriptError(kind, text);
  }

  /** Settle what the script still waits for, then free its runtime. */
  private discard(vm: Vm, state: RunState) {
    for (const d of state.pending) if (d.alive) d.dispose();
    state.pending.clear();
    if (!vm.dispose()) this.damaged = true;
  }

  /** Free every idle context. */
  close(): void {
    for (const list of this.idle.values()) for (const vm of list) vm.dispose();
    this.idle.clear();
    this.idleCount = 0;
  }
}
