// `bun run bench`: every benchmark, each figure printed beside its target.
// Options: --entities N (default 1,000,000), --only core|server.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { benchCore } from "./bench/core";
import { benchHostile } from "./bench/hostile";
import { benchMcp } from "./bench/mcp";
import { summary } from "./bench/report";
import { benchServer, buildBinary } from "./bench/server";
import { benchXFlow } from "./bench/xflow";

const { values } = parseArgs({ args: Bun.argv.slice(2), options: { entities: { type: "string" }, only: { type: "string" } } });
const entities = Number(values.entities ?? 1_000_000);
const dir = mkdtempSync(join(tmpdir(), "torque-bench-"));
const db = join(dir, "bench.db");

console.log(`Torque benchmarks — ${new Date().toISOString()} — bun ${Bun.version}, ${navigator.hardwareConcurrency} cores\n`);
try {
  console.log("== entity engine (in-process, SQLite file)");
  await benchCore(db, { entities });
  console.log("\n== workflows (in-process, QuickJS)");
  await benchXFlow(db);
  if (values.only !== "core") {
    const binary = buildBinary();
    try {
      console.log("\n== server (compiled binary, load from wrk on the same machine)");
      await benchServer(binary.bin, db);
      await benchHostile([binary.bin], db);
      console.log("\n== MCP (compiled binary, stdio)");
      await benchMcp(binary.bin, db);
    } finally {
      binary.cleanup();
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
process.exitCode = summary() ? 0 : 1;
