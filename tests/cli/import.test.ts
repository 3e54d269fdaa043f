// `torque model import`: canonical files (slug from the name, made unique, --no-app,
// --slug, --name, sampleData) and both legacy fixtures of the original Torque.
import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { appSlugs, entityCounts, FIXTURES, ok, okJson, tempDir, template, torque, withDb, writeJson } from "../helpers/cli";

async function inventoryFile(dir: string, extra: Record<string, unknown> = {}) {
  const m = await template("crm");
  m.name = "Inventory";
  return writeJson(dir, "inventory.json", { ...m, ...extra });
}

describe("model import of a canonical file", () => {
  test("creates the model and an app whose slug comes from the name; again gives a unique slug", async () => {
    const dir = tempDir();
    const file = await inventoryFile(dir);
    const first = await okJson(["model", "import", file], { cwd: dir });
    expect(first).toMatchObject({ app: "inventory", format: "canonical", model: { name: "Inventory", version: 1 } });

    const second = await okJson(["model", "import", file], { cwd: dir });
    expect(second.app).toBe("inventory-2");
    expect(second.model.id).not.toBe(first.model.id);

    const apps = await okJson<any[]>(["app", "list"], { cwd: dir });
    expect(apps.map((a) => a.slug).sort()).toEqual(["inventory", "inventory-2"]);
    expect(apps.find((a) => a.slug === "inventory-2").modelId).toBe(second.model.id);
    // The stored model is the file's (version is Torque's own).
    const shown = await okJson(["model", "show", first.model.id], { cwd: dir });
    expect(shown.model.entities.map((e: any) => e.name)).toEqual(["company", "contact", "deal", "activity"]);
  });

  test("text output says what was imported and created", async () => {
    const dir = tempDir();
    const r = await ok(["model", "import", await inventoryFile(dir)], { cwd: dir });
    expect(r.stdout).toContain("imported model Inventory");
    expect(r.stdout).toContain("canonical");
    expect(r.stdout).toContain("created app inventory");
  });

  test("--no-app creates the model only", async () => {
    const dir = tempDir();
    const out = await okJson(["model", "import", await inventoryFile(dir), "--no-app"], { cwd: dir });
    expect(out.app).toBeNull();
    expect(await okJson(["app", "list"], { cwd: dir })).toEqual([]);
    expect((await okJson<any[]>(["model", "list"], { cwd: dir })).map((m) => m.name)).toEqual(["Inventory"]);
  });

  test("--slug chooses the app's slug and --name renames the model", async () => {
    const dir = tempDir();
    const out = await okJson(["model", "import", await inventoryFile(dir), "--slug", "stock", "--name", "Stock Keeping"], { cwd: dir });
    expect(out.app).toBe("stock");
    expect(out.model.name).toBe("Stock Keeping");
    expect(appSlugs(join(dir, "torque.db"))).toEqual(["stock"]);
    // A --slug that is taken is refused.
    const again = await torque(["model", "import", join(dir, "inventory.json"), "--slug", "stock"], { cwd: dir });
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("stock");
    expect(appSlugs(join(dir, "torque.db"))).toEqual(["stock"]);
  });

  test("a refused --slug leaves no model behind", async () => {
    const dir = tempDir();
    const file = await inventoryFile(dir);
    await ok(["model", "import", file, "--slug", "stock"], { cwd: dir });
    for (const slug of ["stock", "Bad Slug!"]) {
      const r = await torque(["model", "import", file, "--slug", slug], { cwd: dir });
      expect(r.code).toBe(1);
    }
    expect(await okJson<any[]>(["model", "list"], { cwd: dir })).toHaveLength(1);
  });

  test("sampleData rows are loaded, with references between them resolved", async () => {
    const dir = tempDir();
    const m = await template("todo");
    m.name = "Chores";
    const file = await writeJson(dir, "chores.json", {
      ...m,
      sampleData: {
        project: [
          { id: "home", name: "Home" },
          { id: "garden", name: "Garden", color: "#00AA00" },
        ],
        task: [
          { title: "Dishes", project: "home", status: "done" },
          { title: "Laundry", project: "home" },
          { title: "Mow the lawn", project: "garden", priority: 5 },
        ],
      },
    });
    const out = await okJson(["model", "import", file], { cwd: dir });
    expect(out.app).toBe("chores");
    expect(out.loaded).toEqual({ project: 2, task: 3 });
    expect(entityCounts(join(dir, "torque.db"), "chores")).toEqual({ project: 2, task: 3 });

    const rows = withDb(join(dir, "torque.db"), (db) =>
      db
        .query<{ id: string; type: string; data: string }, []>("SELECT id, type, data FROM entities")
        .all()
        .map((r) => ({ ...r, data: JSON.parse(r.data) })),
    );
    const projectId = (name: string) => rows.find((r) => r.type === "project" && r.data.name === name)!.id;
    const task = (title: string) => rows.find((r) => r.type === "task" && r.data.title === title)!.data;
    expect(task("Dishes")).toMatchObject({ project: projectId("Home"), status: "done" });
    expect(task("Laundry")).toMatchObject({ project: projectId("Home"), status: "open" }); // default applied
    expect(task("Mow the lawn")).toMatchObject({ project: projectId("Garden"), priority: 5 });
    // sampleData is not part of the stored model.
    expect((await okJson(["model", "show", "Chores"], { cwd: dir })).model.sampleData).toBeUndefined();
  });

  test("an invalid model file is refused (exit 1) and nothing is created", async () => {
    const dir = tempDir();
    const m = await template("todo");
    m.startPage = "nowhere";
    const r = await torque(["model", "import", await writeJson(dir, "bad.json", m)], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("nowhere");
    expect(await okJson(["model", "list"], { cwd: dir })).toEqual([]);
    expect(await okJson(["app", "list"], { cwd: dir })).toEqual([]);
  });
});

describe("model import of the legacy (Rust Torque) fixtures", () => {
  const fixtures = [
    { file: "todo-app.json", slug: "todo-application", droppedFlow: "overdue_task_notification" },
    { file: "customer-order.json", slug: "customer-order-management", droppedFlow: "order_confirmation_email" },
  ];
  for (const f of fixtures) {
    test(`${f.file}: app ${f.slug}, sample data loaded, and a report of what was dropped`, async () => {
      const dir = tempDir();
      const legacy = await Bun.file(join(FIXTURES, f.file)).json();
      const r = await torque(["model", "import", join(FIXTURES, f.file), "--json"], { cwd: dir });
      expect(r.code, r.stderr).toBe(0);
      const out = JSON.parse(r.stdout);
      expect(out.format).toBe("legacy");
      expect(out.app).toBe(f.slug);
      expect(out.model.name).toBe(legacy.name);
      expect(appSlugs(join(dir, "torque.db"))).toEqual([f.slug]);

      // loaded = sample records minus the rows the report says were dropped.
      const inDb = entityCounts(join(dir, "torque.db"), f.slug);
      for (const [entity, rows] of Object.entries(legacy.sample_data as Record<string, unknown[]>)) {
        const droppedRows = out.report.filter((i: any) => i.severity === "dropped" && new RegExp(`^/sample_data/${entity}/\\d+$`).test(i.path)).length;
        expect(out.loaded[entity], entity).toBe(rows.length - droppedRows);
        expect(inDb[entity] ?? 0, entity).toBe(out.loaded[entity]);
        expect(out.loaded[entity]).toBeGreaterThan(0);
      }

      // The report lists what could not be carried over, with where it was in the file.
      expect(out.report.length).toBeGreaterThan(0);
      for (const i of out.report) {
        expect(["dropped", "changed", "warning"]).toContain(i.severity);
        expect(typeof i.path).toBe("string");
        expect(i.message.length).toBeGreaterThan(0);
      }
      const flowIndex = legacy.flows.findIndex((x: any) => x.name === f.droppedFlow);
      const flowDropped = out.report.find((i: any) => i.path === `/flows/${flowIndex}` && i.severity === "dropped");
      expect(flowDropped?.message).toContain(f.droppedFlow);
      const shown = await okJson(["model", "show", out.model.id], { cwd: dir });
      expect((shown.model.xflows ?? []).map((x: any) => x.name)).not.toContain(f.droppedFlow);
      // The imported model is a valid canonical model.
      await ok(["model", "export", out.model.id, "--out", "converted.json"], { cwd: dir });
      expect((await torque(["model", "validate", "converted.json"], { cwd: dir })).code).toBe(0);
    });
  }

  test("references in legacy sample data point at the imported records", async () => {
    const dir = tempDir();
    await ok(["model", "import", join(FIXTURES, "customer-order.json")], { cwd: dir });
    const shown = await okJson(["model", "show", "Customer Order Management"], { cwd: dir });
    const order = shown.model.entities.find((e: any) => e.name === "order");
    const ref = order.fields.find((f: any) => f.type === "reference" && f.entity === "customer");
    expect(ref).toBeDefined();
    withDb(join(dir, "torque.db"), (db) => {
      const customers = new Set(
        db
          .query<{ id: string }, []>("SELECT id FROM entities WHERE type = 'customer'")
          .all()
          .map((r) => r.id),
      );
      const orders = db
        .query<{ data: string }, []>("SELECT data FROM entities WHERE type = 'order'")
        .all()
        .map((r) => JSON.parse(r.data));
      const linked = orders.filter((o) => o[ref.name] != null);
      expect(linked.length).toBeGreaterThan(0);
      for (const o of linked) expect(customers.has(o[ref.name])).toBe(true);
    });
  });

  test("text output lists the report", async () => {
    const dir = tempDir();
    const r = await ok(["model", "import", join(FIXTURES, "todo-app.json")], { cwd: dir });
    expect(r.stdout).toContain("legacy");
    expect(r.stdout).toContain("created app todo-application");
    expect(r.stdout).toMatch(/Not imported as is \(\d+\)/);
    expect(r.stdout).toContain("overdue_task_notification");
  });

  test("importing a legacy file twice gives two apps", async () => {
    const dir = tempDir();
    await ok(["model", "import", join(FIXTURES, "todo-app.json")], { cwd: dir });
    const second = await okJson(["model", "import", join(FIXTURES, "todo-app.json")], { cwd: dir });
    expect(second.app).toBe("todo-application-2");
    expect(entityCounts(join(dir, "torque.db"), "todo-application-2")).toEqual(entityCounts(join(dir, "torque.db"), "todo-application"));
  });
});
