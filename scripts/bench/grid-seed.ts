// Seeds the grid benchmark's data (grid.ts: N `order` records, 1,000 customers) into a
// database file and keeps it, so planner and aggregate work can be measured without
// seeding again each time. Development aid.
//   bun scripts/bench/grid-seed.ts <db path> [N=1000000] [--plain (every field indexed: false)]
import { existsSync } from "node:fs";
import { seedGrid } from "./grid";

const [path, count, flag] = process.argv.slice(2);
if (!path) throw new Error("usage: bun scripts/bench/grid-seed.ts <db path> [N] [--plain]");
if (existsSync(path)) throw new Error(`${path} exists: remove it first`);
const n = Number(count ?? 1_000_000);
const { s, seconds } = await seedGrid(path, n, flag !== "--plain");
await s.close();
console.log(`seeded ${n.toLocaleString("en-US")} orders into ${path} in ${seconds.toFixed(1)} s`);
