// Messages between the server's thread and a sandbox worker. Values cross as JSON text
// (input, results of ctx calls, output): the script side parses them inside QuickJS.
import type { ScriptErrorKind, ScriptLimits } from "./types";

/** Server → worker. */
export type ToWorker =
  /** First message to a new worker: QuickJS compiled once by the server's thread, and the hardening recipe once known. */
  | { t: "init"; module: WebAssembly.Module; recipe?: string }
  /** `deadline`: when the run the script belongs to must be over (epoch ms); the script never runs past it. */
  | { t: "run"; id: number; app: string; code: string; input: string; meta: string; limits: ScriptLimits; deadline?: number }
  /** The answer to a ctx call: `value` is JSON text (absent for undefined) or `error` a message. */
  | { t: "reply"; id: number; call: number; value?: string; error?: string };

/** Worker → server. */
export type FromWorker =
  | { t: "call"; id: number; call: number; op: string; args: string }
  | { t: "log"; id: number; line: string }
  /** The hardening recipe (hardening.ts), sent once, so later workers need not search. */
  | { t: "recipe"; id: number; recipe: string }
  /** A new context is being made for the run (slow: ~0.1 s, more in a new worker) / it is made and the script's clock starts. */
  | { t: "setup" | "started"; id: number }
  /** `recycle`: this worker's QuickJS may be damaged (a runtime could not be freed) or its memory is nearly full: replace the worker. */
  | { t: "done"; id: number; output: string; recycle?: boolean }
  | { t: "failed"; id: number; kind: ScriptErrorKind; message: string; recycle?: boolean };
