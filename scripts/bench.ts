// `bun run bench`: every benchmark, each figure printed beside its target.
// Options: --entities N (default 1,000,000).
import { parseArgs } from "node:util";
import { benchCore } from "./bench/core";
import { summary } from "./bench/report";

const { values } = parseArgs({ args: Bun.argv.slice(2), options: { entities: { type: "string" } } });
const entities = Number(values.entities ?? 1_000_000);

console.log(`Torque benchmarks — ${new Date().toISOString()} — bun ${Bun.version}, ${navigator.hardwareConcurrency} cores\n`);
console.log("== entity engine (in-process, SQLite file)");
await benchCore({ entities });
summary();
