// `bun run bench`: every benchmark, each figure printed beside its target.
// Options: --entities N (default 1,000,000), --only core|server|grid (server runs core first;
// grid runs alone: its own 1M `order` records, in-process and over HTTP).

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { benchCore } from "./bench/core";
import { benchGrid } from "./bench/grid";
import { benchHostile } from "./bench/hostile";
import { benchMcp } from "./bench/mcp";
import { summary } from "./bench/report";
import { benchServer, buildBinary } from "./bench/server";
import { benchXFlow } from "./bench/xflow";

const { values } = parseArgs({ args: Bun.argv.slice(2), options: { entities: { type: "string" }, only: { type: "string" } } });
const entities = Number(values.entities ?? 1_000_000);
const only = values.only;
if (only !== undefined && !["core", "server", "grid"].includes(only)) throw new Error(`--only takes core, server or grid (got ${only})`);
const dir = mkdtempSync(join(tmpdir(), "torque-bench-"));
const db = join(dir, "bench.db");

console.log(`Torque benchmarks — ${new Date().toISOString()} — bun ${Bun.version}, ${navigator.hardwareConcurrency} cores\n`);
try {
  if (only !== "grid") {
    console.log("== entity engine (in-process, SQLite file)");
    await benchCore(db, { entities });
    console.log("\n== workflows (in-process, QuickJS)");
    await benchXFlow(db);
  }
  if (only !== "core") {
    const binary = buildBinary();
    try {
      if (only !== "grid") {
        console.log("\n== server (compiled binary, load from wrk on the same machine)");
        await benchServer(binary.bin, db);
        await benchHostile([binary.bin], db);
        console.log("\n== MCP (compiled binary, stdio)");
        await benchMcp(binary.bin, db);
      }
      if (only !== "server") {
        console.log(`\n== grid (${entities.toLocaleString("en-US")} orders, no field marked indexed; in-process and over HTTP)`);
        await benchGrid(dir, { entities, binary: binary.bin });
      }
    } finally {
      binary.cleanup();
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
process.exitCode = summary() ? 0 : 1;
