// A sandbox worker thread: runs one script at a time in its own QuickJS module (so the
// WebAssembly memory ceiling is per worker, and a script stuck in a native built-in only
// stalls this thread, which the pool then terminates). ctx calls go to the server's
// thread as messages and their answers come back the same way.

import { setPriority } from "node:os";
import type { FromWorker, ToWorker } from "./protocol";
import { memoryUsed, useWasmModule } from "./quickjs";
import { NEAR_CEILING, ScriptRunner } from "./runner";
import { ScriptError } from "./types";

declare const self: Worker;

// Scripts yield the CPU to the server's thread: on Linux a thread's nice value is its own
// (elsewhere it would be the whole process's, so it is left alone there).
if (process.platform === "linux") {
  try {
    setPriority(0, 10);
  } catch {
    // not permitted here: scripts run at normal priority
  }
}

const runner = new ScriptRunner();
/** Answers awaited by ctx calls, by run id and call number. */
const waiting = new Map<string, { resolve: (v: string | undefined) => void; reject: (e: Error) => void }>();
let nextCall = 1;
const post = (m: FromWorker) => self.postMessage(m);
/** This worker should be replaced: its QuickJS may be damaged, or its memory (which never shrinks) is nearly full. */
const worn = () => runner.damaged || memoryUsed() > NEAR_CEILING;

self.onmessage = (e: MessageEvent<ToWorker>) => {
  const m = e.data;
  if (m.t === "init") {
    useWasmModule(m.module);
    if (m.recipe) runner.recipe = m.recipe;
    return;
  }
  if (m.t === "reply") {
    const key = `${m.id}:${m.call}`;
    const w = waiting.get(key);
    waiting.delete(key);
    if (m.error !== undefined) w?.reject(new Error(m.error));
    else w?.resolve(m.value);
    return;
  }
  const { id } = m;
  const recipe = runner.recipe;
  runner
    .run(m, {
      call: (op, args) =>
        new Promise((resolve, reject) => {
          const call = nextCall++;
          waiting.set(`${id}:${call}`, { resolve, reject });
          post({ t: "call", id, call, op, args });
        }),
      log: (line) => post({ t: "log", id, line }),
      setup: (phase) => {
        if (phase === "started" && runner.recipe && runner.recipe !== recipe) post({ t: "recipe", id, recipe: runner.recipe });
        post({ t: phase, id });
      },
    })
    .then(
      (output) => post({ t: "done", id, output, recycle: worn() }),
      (err) => {
        const [kind, message] = err instanceof ScriptError ? [err.kind, err.message] : (["crashed", String((err as Error)?.message ?? err)] as const);
        post({ t: "failed", id, kind, message, recycle: worn() });
      },
    )
    .finally(() => {
      for (const key of waiting.keys()) if (key.startsWith(`${id}:`)) waiting.delete(key);
    });
};
