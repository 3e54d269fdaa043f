// Entity engine on a file database: seeding 1M entities, single-entity CRUD latency,
// and filtered, sorted, keyset-paged queries over those 1M entities. In-process: the
// service layer without any transport.

import { templates } from "../../src/model/templates";
import { openServices } from "../../src/services";
import { systemActor } from "../../src/services/actor";
import { seedApp } from "../../src/services/seed/seed";
import { latency, record } from "./report";

/** Leaves the seeded database at dbPath for the server benchmarks. */
export async function benchCore(dbPath: string, opts: { entities: number }): Promise<void> {
  const s = await openServices(dbPath);
  try {
    // The entity engine alone: the template's workflows (stamp_done runs on every task
    // update) are the workflow benchmark's subject, not this one's.
    const model = await s.models.create({ ...structuredClone(templates.todo), xflows: [] }, systemActor);
    await s.apps.create(model.id, "todo", systemActor);
    const projects = 1000,
      tasks = opts.entities - projects;

    let t0 = performance.now();
    await seedApp(s, "todo", { count: 0, counts: { project: projects, task: tasks }, seed: 1, actor: systemActor });
    const seedS = (performance.now() - t0) / 1000;
    record({ name: `seed ${opts.entities.toLocaleString("en-US")} entities (validated, indexed)`, value: seedS, unit: "s", target: { op: "<", value: 30 } });
    record({ name: "bulk insert rate (seed, incl. index build)", value: opts.entities / seedS, unit: "rows/s" });

    const project = (await s.entities.query("todo", "project", { limit: 1 })).data[0]!.id;
    const actor = systemActor;
    const ids: string[] = [];
    const create = await latency(2000, async (i) =>
      ids.push((await s.entities.create("todo", "task", { title: `bench ${i}`, project, due: "2026-05-01" }, { actor })).id),
    );
    record({ name: "createEntity p50", value: create.p50, unit: "ms" });
    record({ name: "createEntity p99", value: create.p99, unit: "ms", target: { op: "<", value: 1 } });
    const get = await latency(5000, (i) => s.entities.get("todo", "task", ids[i % ids.length]!));
    record({ name: "getEntity p50", value: get.p50, unit: "ms" });
    record({ name: "getEntity p99", value: get.p99, unit: "ms", target: { op: "<", value: 1 } });
    const update = await latency(2000, (i) => s.entities.update("todo", "task", ids[i]!, { status: "doing", priority: 1 + (i % 5) }, { actor }));
    record({ name: "updateEntity p50", value: update.p50, unit: "ms" });
    record({ name: "updateEntity p99", value: update.p99, unit: "ms", target: { op: "<", value: 1 } });
    const del = await latency(2000, (i) => s.entities.delete("todo", "task", ids[i]!, { actor }));
    record({ name: "deleteEntity p50", value: del.p50, unit: "ms" });
    record({ name: "deleteEntity p99", value: del.p99, unit: "ms", target: { op: "<", value: 1 } });

    const statuses = ["open", "doing", "done"];
    const page = await latency(300, (i) =>
      s.entities.query("todo", "task", { filter: { status: statuses[i % 3] }, sort: [{ field: "due", dir: "asc" }], limit: 50 }),
    );
    record({ name: "filtered+sorted first page of 50 over 1M, p50", value: page.p50, unit: "ms" });
    record({ name: "filtered+sorted first page of 50 over 1M, p99", value: page.p99, unit: "ms", target: { op: "<", value: 10 } });

    // Walk 20,000 rows deep with big pages, then time pages from there.
    let cursor: string | null = null;
    for (let i = 0; i < 20; i++)
      cursor = (await s.entities.query("todo", "task", { filter: { status: "open" }, sort: [{ field: "due", dir: "asc" }], limit: 1000, cursor })).pagination
        .nextCursor;
    const deep = await latency(300, () =>
      s.entities.query("todo", "task", { filter: { status: "open" }, sort: [{ field: "due", dir: "asc" }], limit: 50, cursor }),
    );
    record({ name: "keyset page of 50, 20,000 rows deep, p99", value: deep.p99, unit: "ms", target: { op: "<", value: 10 } });

    const range = await latency(100, (i) =>
      s.entities.query("todo", "task", {
        filter: { status: "open", due: { gte: `2025-0${1 + (i % 9)}-01` } },
        sort: [{ field: "due", dir: "desc" }],
        limit: 50,
      }),
    );
    record({ name: "range filter, descending sort, page of 50, p99", value: range.p99, unit: "ms", target: { op: "<", value: 10 } });
    const byProject = await latency(300, () => s.entities.query("todo", "task", { filter: { project }, limit: 50, include: ["project"] }));
    record({ name: "tasks of one project (reference index), p99", value: byProject.p99, unit: "ms", target: { op: "<", value: 10 } });

    t0 = performance.now();
    const counted = await s.entities.query("todo", "task", { filter: { status: "open" }, limit: 1, total: true });
    record({
      // Exact on SQLite (an index-only count); PostgreSQL estimates a total this large (store/entities/count.ts).
      name: `${counted.pagination.totalExact ? "exact total" : "estimated total"} of one status (${counted.pagination.total!.toLocaleString("en-US")} rows)`,
      value: performance.now() - t0,
      unit: "ms",
      note: "only when asked",
    });
  } finally {
    await s.close();
  }
}
