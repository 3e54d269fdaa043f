// `bun run bench`: every benchmark, each figure printed beside its target.
// Options: --entities N (default 1,000,000), --only core|server|grid|web|auth|large (server runs core first;
// grid runs alone: its own 1M `order` records, in-process and over HTTP; web: the app runtime
// in Chromium, served by the binary, with its own 1M-row grid, then the Model Editor; editor: the
// Model Editor alone, on an empty database; large: a model of 300 entity types × 30 fields, designed,
// seeded and served by the binary, on its own database). --db postgres: the entity engine, workflow,
// server and grid sections on PostgreSQL (a throwaway server from Debian's package, as the tests
// start; or --db postgres://… to use a server's admin URL, a fresh database made on it),
// then two servers sharing the database against one.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { freshPgDatabase } from "../tests/helpers/db";
import { benchAuth } from "./bench/auth";
import { benchCore } from "./bench/core";
import { benchGrid } from "./bench/grid";
import { benchHostile } from "./bench/hostile";
import { benchLarge } from "./bench/large";
import { benchMcp } from "./bench/mcp";
import { summary } from "./bench/report";
import { benchServer, buildBinary } from "./bench/server";
import { benchServers } from "./bench/servers";
import { benchEditorAlone, benchWeb } from "./bench/web";
import { benchXFlow } from "./bench/xflow";

const { values } = parseArgs({ args: Bun.argv.slice(2), options: { entities: { type: "string" }, only: { type: "string" }, db: { type: "string" } } });
const entities = Number(values.entities ?? 1_000_000);
const only = values.only;
if (only !== undefined && !["core", "server", "grid", "web", "editor", "auth", "large"].includes(only))
  throw new Error(`--only takes core, server, grid, web, editor, auth or large (got ${only})`);
const dir = mkdtempSync(join(tmpdir(), "torque-bench-"));
const postgres = values.db === undefined ? undefined : await startPostgres(values.db);
const db = postgres ? await postgres.fresh() : join(dir, "bench.db");
if (postgres && only !== undefined && !["core", "server", "grid"].includes(only))
  throw new Error("--db postgres runs the core, server and grid sections (--only core|server|grid)");

console.log(`Torque benchmarks — ${new Date().toISOString()} — bun ${Bun.version}, ${navigator.hardwareConcurrency} cores\n`);
try {
  const runs = (part: string) => only === undefined || only === part || (part === "core" && only === "server");
  if (runs("core")) {
    console.log(`== entity engine (in-process, ${postgres ? "PostgreSQL" : "SQLite file"})`);
    await benchCore(db, { entities });
    console.log("\n== workflows (in-process, QuickJS)");
    await benchXFlow(db);
  }
  if (only !== "core") {
    const binary = buildBinary();
    try {
      if (runs("server")) {
        console.log("\n== server (compiled binary, load from wrk on the same machine)");
        await benchServer(binary.bin, db);
        await benchHostile([binary.bin], db);
        console.log("\n== MCP (compiled binary, stdio)");
        await benchMcp(binary.bin, db);
        if (postgres) {
          console.log("\n== two servers on one PostgreSQL database against one (compiled binary, wrk)");
          await benchServers(binary.bin, db);
        }
      }
      if ((runs("auth") || only === "server") && !postgres) {
        console.log("\n== users and permissions (compiled binary; 10,000 authenticated WebSocket subscribers)");
        await benchAuth(binary.bin);
      }
      if (runs("large") && !postgres) {
        console.log("\n== a large model (300 entity types × 30 fields: in-process, then the compiled binary; its own database)");
        await benchLarge(binary.bin);
      }
      if (runs("grid")) {
        console.log(`\n== grid (${entities.toLocaleString("en-US")} orders, no field marked indexed; in-process and over HTTP)`);
        await benchGrid(dir, { entities, binary: binary.bin, fresh: postgres?.fresh });
      }
      if (runs("web")) {
        console.log(`\n== app runtime in Chromium (compiled binary; a grid of ${entities.toLocaleString("en-US")} orders)`);
        await benchWeb(binary.bin, { rows: entities });
      }
      if (only === "editor") {
        console.log("\n== Model Editor in Chromium (compiled binary, empty database)");
        await benchEditorAlone(binary.bin);
      }
    } finally {
      binary.cleanup();
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
  postgres?.stop();
}
process.exitCode = summary() ? 0 : 1;

/** The PostgreSQL server to measure on: a throwaway one (scripts/test/pg-server.sh) or the admin URL given. */
async function startPostgres(db: string): Promise<{ fresh(): Promise<string>; stop(): void }> {
  let admin = db,
    started = "";
  if (db === "postgres") {
    // Memory as PostgreSQL's documentation advises for a dedicated server: shared_buffers a
    // quarter of the RAM, effective_cache_size three quarters (the default 128 MB of buffers
    // holds a sixteenth of the 1M-order grid, and every page read goes through the kernel).
    const mb = Math.floor(totalmem() / 2 ** 20);
    const env = { ...process.env, TORQUE_PG_OPTS: `-c shared_buffers=${Math.floor(mb / 4)}MB -c effective_cache_size=${Math.floor((mb * 3) / 4)}MB` };
    const out = Bun.spawnSync(["bash", "scripts/test/pg-server.sh"], { env });
    if (out.exitCode !== 0) throw new Error("no PostgreSQL server could be started: apt-get install -y postgresql, or pass --db postgres://…");
    [admin, started] = out.stdout.toString().trim().split(" ") as [string, string];
  } else if (!/^postgres(ql)?:\/\//.test(db)) throw new Error(`--db takes postgres or a postgres:// admin URL (got ${db})`);
  process.env.TORQUE_TEST_PG = admin;
  return {
    fresh: freshPgDatabase,
    stop: () => void (started && Bun.spawnSync(["bash", "scripts/test/pg-server.sh", "stop", started])),
  };
}
