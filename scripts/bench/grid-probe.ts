// Runs the grid benchmark's page shapes (grid.ts) whose name contains a given text against
// a database kept by grid-seed.ts, printing p50/p99 of the first page (asc and desc) and
// what the planner did. Development aid for planner work; the benchmark is grid.ts.
//   bun scripts/bench/grid-probe.ts <db path> [name filter] [runs=30]
import { openServices } from "../../src/services";
import { lastTrace } from "../../src/store/entities/planner";
import { flip, readSamples, shapes } from "./grid";
import { latency } from "./report";

const [path, match = "", runsArg] = process.argv.slice(2);
if (!path) throw new Error("usage: bun scripts/bench/grid-probe.ts <db path> [name filter] [runs]");
const runs = Number(runsArg ?? 30);
const s = await openServices(path);
const query = (o: Record<string, unknown>) => s.entities.query("grid", "order", o);
const samples = await readSamples(query);
for (const shape of shapes(samples).filter((x) => `${x.type} ${x.name}`.includes(match)))
  for (const [dir, sort] of [
    ["asc", shape.sort],
    ["desc", flip(shape.sort)],
  ] as const) {
    let i = 0;
    let worst = { ms: 0, trace: "" };
    const stat = await latency(runs, async () => {
      const t0 = performance.now();
      await query({ filter: shape.filter?.(i++), sort, limit: 50 });
      const ms = performance.now() - t0;
      if (ms > worst.ms) worst = { ms, trace: lastTrace.steps.join("; ") };
    });
    console.log(
      `${`${shape.type} ${shape.name} ${dir}`.padEnd(52)} ${stat.p50.toFixed(2).padStart(8)} / ${stat.p99.toFixed(2).padStart(8)} ms   worst: ${worst.trace}`,
    );
  }
await s.close();
