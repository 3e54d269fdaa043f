// The QuickJS engine, loaded once per thread (each sandbox worker has its own). The
// WebAssembly file is imported as a file so `bun build --compile` embeds it and it is
// read from inside the binary (the default loader looks for it next to the executable and
// fails there; see RECIPES). It is compiled once per process: workers are handed the
// compiled module (useWasmModule) instead of compiling it again.

import releaseSync from "@jitl/quickjs-wasmfile-release-sync";
import wasmPath from "@jitl/quickjs-wasmfile-release-sync/wasm" with { type: "file" };
import { newQuickJSWASMModuleFromVariant, newVariant, type QuickJSWASMModule } from "quickjs-emscripten-core";

let compiled: Promise<WebAssembly.Module> | undefined;
let loading: Promise<QuickJSWASMModule> | undefined;
let memory: WebAssembly.Memory | undefined;

/**
 * Each thread's scripts share one WebAssembly memory with a hard ceiling. QuickJS's own
 * per-runtime limit does not count most allocations in this build (it cannot see their
 * sizes), so a memory bomb would otherwise grow the process by gigabytes; against the
 * ceiling it fails at once with "out of memory" (measured: ~0.3 s, process unharmed).
 */
export const SANDBOX_MEMORY_CEILING_BYTES = 256 * 1024 * 1024;
const PAGE = 64 * 1024;

/** The compiled QuickJS WebAssembly module (compiled on first use). */
export function wasmModule(): Promise<WebAssembly.Module> {
  compiled ??= Bun.file(wasmPath)
    .arrayBuffer()
    .then((bytes) => WebAssembly.compile(bytes));
  return compiled;
}

/** Use a module compiled elsewhere (a worker is handed the server thread's). */
export function useWasmModule(module: WebAssembly.Module): void {
  compiled ??= Promise.resolve(module);
}

export function quickjs(): Promise<QuickJSWASMModule> {
  loading ??= (async () => {
    const module = await wasmModule();
    memory = new WebAssembly.Memory({ initial: (16 * 1024 * 1024) / PAGE, maximum: SANDBOX_MEMORY_CEILING_BYTES / PAGE });
    return newQuickJSWASMModuleFromVariant(newVariant(releaseSync, { wasmModule: module, wasmMemory: memory }));
  })();
  return loading;
}

/**
 * How much of the memory ceiling this thread's QuickJS has grown to (0 to 1). The memory
 * never shrinks, so a worker past most of it is replaced; and when a script fails at the
 * ceiling, QuickJS may not even have room left for its "out of memory" error and throws
 * null instead, which this tells apart from a script's own `throw null`.
 */
export function memoryUsed(): number {
  return memory ? memory.buffer.byteLength / SANDBOX_MEMORY_CEILING_BYTES : 0;
}
