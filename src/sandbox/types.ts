// What both sides of the sandbox share: the limits of a script and the one error type a
// failed script ends in (the engine tells limits from a script's own throws by `kind`).

export interface ScriptLimits {
  timeoutMs: number;
  memoryBytes: number;
  stackBytes: number;
}

export const DEFAULT_LIMITS: ScriptLimits = { timeoutMs: 1000, memoryBytes: 32 * 1024 * 1024, stackBytes: 512 * 1024 };

/**
 * timeout, memory, stack: a limit; syntax: the code does not compile; thrown: the script
 * threw; output: what it returned is not acceptable; busy: no worker took the script
 * (the queue was full); crashed: its worker died.
 */
export type ScriptErrorKind = "timeout" | "memory" | "stack" | "syntax" | "thrown" | "output" | "busy" | "crashed";

export class ScriptError extends Error {
  constructor(
    readonly kind: ScriptErrorKind,
    message: string,
  ) {
    super(message);
    this.name = "ScriptError";
  }
}
