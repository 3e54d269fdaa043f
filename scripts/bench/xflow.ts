// Workflows in-process: the per-run cost of a start → script → end flow, and what a
// before-create flow adds to a createEntity. Leaves the flows in the model so the server
// benchmark can drive the webhook one over HTTP.
import { openServices } from "../../src/services";
import { systemActor } from "../../src/services/actor";
import { benchHostile, HOSTILE_FLOWS } from "./hostile";
import { latency, record } from "./report";

export const BENCH_FLOWS = [
  {
    name: "simple",
    nodes: [
      { id: "start", type: "start" },
      { id: "calc", type: "script", code: "return { total: input.qty * input.price };" },
      { id: "end", type: "end" },
    ],
    edges: [
      { from: "start", to: "calc" },
      { from: "calc", to: "end" },
    ],
  },
  {
    name: "echo",
    trigger: { type: "webhook" },
    nodes: [
      { id: "start", type: "start" },
      { id: "calc", type: "script", code: "return { received: input, total: (input.qty ?? 1) * (input.price ?? 1) };" },
      { id: "end", type: "end" },
    ],
    edges: [
      { from: "start", to: "calc" },
      { from: "calc", to: "end" },
    ],
  },
  {
    name: "stamp_note",
    trigger: { type: "entity", entity: "project", event: "beforeCreate" },
    nodes: [
      { id: "start", type: "start" },
      { id: "stamp", type: "script", code: "return { data: { ...input.data, description: 'checked: ' + input.data.name } };" },
      { id: "end", type: "end" },
    ],
    edges: [
      { from: "start", to: "stamp" },
      { from: "stamp", to: "end" },
    ],
  },
  ...HOSTILE_FLOWS,
];

export async function benchXFlow(dbPath: string): Promise<void> {
  const s = await openServices(dbPath);
  try {
    const model = await s.models.get("Todo");
    await s.models.save(model.id, { ...model.doc, xflows: BENCH_FLOWS }, systemActor);
    await s.xflows.execute("todo", "simple", { qty: 1, price: 1 }, { actor: systemActor }); // warm the sandbox
    const run = await latency(3000, (i) => s.xflows.execute("todo", "simple", { qty: i, price: 2 }, { actor: systemActor }));
    record({ name: "simple flow (start → script → end), p50", value: run.p50, unit: "ms", target: { op: "<", value: 0.5 } });
    record({ name: "simple flow, p99", value: run.p99, unit: "ms", target: { op: "<", value: 50 } });

    // Compare creates of one type with the flow present and removed.
    const withFlow = await latency(1500, (i) => s.entities.create("todo", "project", { name: `flow-${i}` }, { actor: systemActor }));
    await s.models.save(model.id, { ...model.doc, xflows: BENCH_FLOWS.filter((f) => f.name !== "stamp_note") }, systemActor);
    const without = await latency(1500, (i) => s.entities.create("todo", "project", { name: `plain-${i}` }, { actor: systemActor }));
    await s.models.save(model.id, { ...model.doc, xflows: BENCH_FLOWS }, systemActor);
    record({ name: "createEntity without a flow, p50", value: without.p50, unit: "ms" });
    record({ name: "createEntity with a before-create flow, p50", value: withFlow.p50, unit: "ms" });
    record({ name: "what the before-create flow adds, p50", value: withFlow.p50 - without.p50, unit: "ms", target: { op: "<", value: 1 } });
  } finally {
    await s.close();
  }
}

// `bun scripts/bench/xflow.ts`: these figures alone, on a fresh database with the todo app,
// then the hostile-scripts figure against `bun src/main.ts server` (the full benchmark runs
// it against the compiled binary).
if (import.meta.main) {
  const { mkdtempSync, rmSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const { join } = await import("node:path");
  const { templates } = await import("../../src/model/templates");
  const { summary } = await import("./report");
  const dir = mkdtempSync(join(tmpdir(), "torque-bench-xflow-"));
  const db = join(dir, "bench.db");
  try {
    const s = await openServices(db);
    const model = await s.models.create(structuredClone(templates.todo), systemActor);
    await s.apps.create(model.id, "todo", systemActor);
    await s.close();
    await benchXFlow(db);
    await benchHostile([process.execPath, new URL("../../src/main.ts", import.meta.url).pathname], db);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  process.exitCode = summary() ? 0 : 1;
}
