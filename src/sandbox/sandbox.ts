// Runs untrusted JavaScript in QuickJS: each script gets a time limit, a memory limit and
// a stack limit, and can reach nothing but what its host hands in (through `ctx`).
// Contexts are pooled and reused (hardened so no state survives a run); a context that
// ran into a limit or an error is thrown away, never reused.
import { shouldInterruptAfterDeadline, type QuickJSContext, type QuickJSDeferredPromise, type QuickJSHandle, type QuickJSRuntime } from "quickjs-emscripten-core";
import { quickjs } from "./quickjs";
import { HARDEN_SOURCE } from "./hardening";

export interface ScriptHost {
  /** An asynchronous power (entities.*, fetch): its result crosses back as JSON. */
  call(op: string, args: unknown[]): Promise<unknown>;
  log(line: string): void;
  /** What `ctx.run` shows the script (run id, flow, node). */
  meta(): unknown;
}

export interface ScriptLimits {
  timeoutMs: number;
  memoryBytes: number;
  stackBytes: number;
}

export const DEFAULT_LIMITS: ScriptLimits = { timeoutMs: 1000, memoryBytes: 32 * 1024 * 1024, stackBytes: 512 * 1024 };
const MAX_OUTPUT_CHARS = 4 * 1024 * 1024;
const MAX_CACHED_SCRIPTS = 200;

export type ScriptErrorKind = "timeout" | "memory" | "stack" | "syntax" | "thrown" | "output";

export class ScriptError extends Error {
  constructor(readonly kind: ScriptErrorKind, message: string) {
    super(message);
    this.name = "ScriptError";
  }
}

interface RunState {
  host: ScriptHost;
  deadline: number;
  pending: Set<QuickJSDeferredPromise>;
  wake: () => void;
  over: boolean;
}

class Vm {
  readonly fns = new Map<string, QuickJSHandle>();
  current: RunState | undefined;
  constructor(readonly runtime: QuickJSRuntime, readonly context: QuickJSContext) {}

  dispose() {
    try {
      for (const h of this.fns.values()) h.dispose();
      this.context.dispose();
      this.runtime.dispose();
    } catch {
      // a runtime broken by a limit may refuse to be freed cleanly; it is dropped either way
    }
  }
}

function classify(message: string, timedOut: boolean): ScriptErrorKind {
  if (timedOut || /interrupted/i.test(message)) return "timeout";
  if (/out of memory|string too long|invalid string length|invalid array length/i.test(message)) return "memory";
  if (/stack overflow/i.test(message)) return "stack";
  return "thrown";
}

export class Sandbox {
  private pool: Vm[] = [];

  constructor(private readonly limits: ScriptLimits = DEFAULT_LIMITS, private readonly poolSize = 4) {}

  private async create(): Promise<Vm> {
    const runtime = (await quickjs()).newRuntime();
    runtime.setMemoryLimit(this.limits.memoryBytes);
    runtime.setMaxStackSize(this.limits.stackBytes);
    const context = runtime.newContext();
    const vm = new Vm(runtime, context);
    const host = context.newFunction("__host", (opH, argsH) => {
      const state = vm.current;
      const op = context.getString(opH);
      const args = JSON.parse(context.getString(argsH)) as unknown[];
      if (!state || state.over) return context.undefined;
      if (op === "log") {
        // Host calls do not hit the interrupt handler: check the time here too.
        if (Date.now() > state.deadline) throw new Error("interrupted: the script ran out of time");
        state.host.log((args as string[]).join(" ").slice(0, 4000));
        return context.undefined;
      }
      if (op === "meta") return context.newString(JSON.stringify(state.host.meta() ?? null));
      const deferred = context.newPromise();
      state.pending.add(deferred);
      state.host.call(op, args).then(
        (value) => {
          if (state.over || !deferred.alive) return;
          const s = context.newString(value === undefined ? "null" : JSON.stringify(value));
          deferred.resolve(s);
          s.dispose();
        },
        (err) => {
          if (state.over || !deferred.alive) return;
          const msg = context.newString(err instanceof Error ? err.message : String(err));
          const make = context.getProp(context.global, "__error");
          const made = context.callFunction(make, context.undefined, msg);
          make.dispose();
          msg.dispose();
          const e = made.error ?? made.value;
          deferred.reject(e);
          e.dispose();
        },
      ).finally(() => {
        state.pending.delete(deferred);
        if (deferred.alive) deferred.dispose();
        state.wake();
      });
      return deferred.handle;
    });
    context.setProp(context.global, "__host", host);
    host.dispose();
    const r = context.evalCode(HARDEN_SOURCE, "harden.js");
    if (r.error) {
      const msg = JSON.stringify(context.dump(r.error));
      r.error.dispose();
      vm.dispose();
      throw new Error(`sandbox set-up failed: ${msg}`);
    }
    r.value.dispose();
    return vm;
  }

  /** Compile the body of `async (input, ctx) => { … }` once per context. */
  private compile(vm: Vm, code: string): QuickJSHandle {
    const cached = vm.fns.get(code);
    if (cached) return cached;
    const r = vm.context.evalCode(`(async function script(input, ctx) {\n"use strict";\n${code}\n})`, "script.js");
    if (r.error) {
      const e = vm.context.dump(r.error) as { name?: string; message?: string };
      r.error.dispose();
      throw new ScriptError(e?.name === "SyntaxError" ? "syntax" : classify(String(e?.message), false), `${e?.name ?? "Error"}: ${e?.message ?? String(e)}`);
    }
    if (vm.fns.size >= MAX_CACHED_SCRIPTS) {
      const [k, h] = vm.fns.entries().next().value!;
      h.dispose();
      vm.fns.delete(k);
    }
    vm.fns.set(code, r.value);
    return r.value;
  }

  /** Run one script body with `input` (JSON-able) and the host's powers; returns what it returns. */
  async run(code: string, input: unknown, host: ScriptHost, opts: Partial<ScriptLimits> = {}): Promise<unknown> {
    const vm = this.pool.pop() ?? (await this.create());
    const timeoutMs = opts.timeoutMs ?? this.limits.timeoutMs;
    const deadline = Date.now() + timeoutMs;
    let wake = () => {};
    const state: RunState = { host, deadline, pending: new Set(), wake: () => wake(), over: false };
    vm.current = state;
    const { context, runtime } = vm;
    // A pooled runtime keeps its old deadline: every run sets a fresh one.
    runtime.setInterruptHandler(shouldInterruptAfterDeadline(deadline));
    let healthy = false;
    let promise: QuickJSHandle | undefined;
    try {
      const fn = this.compile(vm, code);
      const inputH = context.newString(JSON.stringify(input ?? null));
      const invoke = context.getProp(context.global, "__invoke");
      const call = context.callFunction(invoke, context.undefined, fn, inputH);
      invoke.dispose();
      inputH.dispose();
      if (call.error) throw this.error(vm, call.error, Date.now() >= deadline);
      promise = call.value;
      for (;;) {
        const jobs = runtime.executePendingJobs();
        if (jobs.error) throw this.error(vm, jobs.error, Date.now() >= deadline);
        const st = context.getPromiseState(promise);
        if (st.type === "fulfilled") {
          const text = context.getString(st.value);
          st.value.dispose();
          if (text.length > MAX_OUTPUT_CHARS) throw new ScriptError("output", `the script returned ${text.length} characters of JSON; at most ${MAX_OUTPUT_CHARS} are allowed`);
          healthy = true;
          return JSON.parse(text);
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
      vm.current = undefined;
      promise?.dispose();
      if (healthy && state.pending.size === 0 && this.pool.length < this.poolSize) this.pool.push(vm);
      else this.discard(vm, state);
    }
  }

  private error(vm: Vm, handle: QuickJSHandle, timedOut: boolean): ScriptError {
    const e = vm.context.dump(handle) as { name?: string; message?: string } | string;
    handle.dispose();
    const message = typeof e === "object" && e ? `${e.name ?? "Error"}: ${e.message ?? ""}` : String(e);
    const kind = classify(message, timedOut);
    const text = kind === "timeout" ? "the script ran out of time" : kind === "memory" ? "the script ran out of memory" : kind === "stack" ? "the script overflowed its stack (too deep recursion)" : message;
    return new ScriptError(kind, text);
  }

  /** Settle what the script still waits for, then free its runtime. */
  private discard(vm: Vm, state: RunState) {
    for (const d of state.pending) if (d.alive) d.dispose();
    state.pending.clear();
    vm.dispose();
  }

  /** Free every pooled runtime (at shutdown). */
  close(): void {
    for (const vm of this.pool.splice(0)) vm.dispose();
  }
}
