// `torque model create|list|show|export|validate|delete` against a real database file.
import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { appSlugs, FIXTURES, ok, okJson, tempDir, template, torque, withDb, writeJson } from "../helpers/cli";

describe("model create, list, show, export", () => {
  test("a created model is listed, shown and exported as the stored document", async () => {
    const dir = tempDir();
    const created = await okJson(["model", "create", "Inventory"], { cwd: dir });
    expect(created).toMatchObject({ name: "Inventory", version: 1 });
    expect(typeof created.id).toBe("string");

    const list = await okJson<any[]>(["model", "list"], { cwd: dir });
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ id: created.id, name: "Inventory", version: 1, apps: [] });

    const shown = await okJson(["model", "show", created.id], { cwd: dir });
    expect(shown).toMatchObject({ id: created.id, name: "Inventory", version: 1 });
    expect(shown.model).toMatchObject({ name: "Inventory", entities: [] });
    // By name works as well as by id.
    expect((await okJson(["model", "show", "Inventory"], { cwd: dir })).id).toBe(created.id);

    const r = await ok(["model", "export", created.id, "--out", "f.json"], { cwd: dir });
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("f.json");
    const exported = JSON.parse(await Bun.file(join(dir, "f.json")).text());
    expect(exported).toEqual(shown.model);
    // …and it is the document stored in the file, byte for byte as JSON.
    const stored = withDb(
      join(dir, "torque.db"),
      (db) => db.query<{ doc: string }, [string]>("SELECT doc FROM model_versions WHERE model_id = ? AND version = 1").get(created.id)!.doc,
    );
    expect(exported).toEqual(JSON.parse(stored));
  });

  test("export without --out writes the JSON to stdout; text list and show are readable", async () => {
    const dir = tempDir();
    await ok(["init", ".", "--template", "crm"], { cwd: dir });
    const r = await ok(["model", "export", "CRM"], { cwd: dir });
    const doc = JSON.parse(r.stdout);
    expect(doc.name).toBe("CRM");
    expect(doc.entities.map((e: any) => e.name)).toEqual(["company", "contact", "deal", "activity"]);
    // The export is a valid model file.
    await Bun.write(join(dir, "crm-export.json"), r.stdout);
    expect((await torque(["model", "validate", "crm-export.json"], { cwd: dir })).code).toBe(0);

    const list = await ok(["model", "list"], { cwd: dir });
    expect(list.stdout).toMatch(/^ID\s+NAME\s+VERSION\s+APPS/);
    expect(list.stdout).toMatch(/CRM\s+1\s+crm/);
    const show = await ok(["model", "show", "CRM"], { cwd: dir });
    expect(show.stdout).toContain("company");
    expect(show.stdout).toContain("deals (start)");
  });

  test("model list on an empty database says so; show of a missing model exits 1", async () => {
    const dir = tempDir();
    expect(await okJson(["model", "list"], { cwd: dir })).toEqual([]);
    expect((await ok(["model", "list"], { cwd: dir })).stdout).toContain("no models yet");
    const r = await torque(["model", "show", "missing"], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("missing");
  });
});

/** A model with one of each problem the brief names, at known JSON paths (structure is sound). */
async function semanticallyBroken() {
  const m = await template("todo");
  m.name = "Broken";
  m.entities.push(structuredClone(m.entities[0])); // duplicate entity name "project" → /entities/2/name
  const task = m.entities[1];
  task.fields.push({ name: "owner", type: "reference", entity: "person" }); // missing entity → /entities/1/fields/7/entity
  m.pages[0].components.find((c: any) => c.type === "DataGrid").props.columns = ["title", "nonexistent_column"];
  m.startPage = "dashboard"; // no such page
  m.xflows = [
    {
      name: "close_task",
      nodes: [
        { id: "start", type: "start" },
        { id: "end", type: "end" },
      ],
      edges: [{ from: "start", to: "ghost" }],
    },
  ];
  return m;
}

describe("model validate", () => {
  test("a good file: exit 0 and says valid", async () => {
    const dir = tempDir();
    const file = await writeJson(dir, "todo.json", await template("todo"));
    const r = await torque(["model", "validate", file], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("valid");
    expect(r.stderr).toBe("");
    expect(await okJson(["model", "validate", file], { cwd: dir })).toEqual({ valid: true, format: "canonical", issues: [] });
  });

  test("broken references: exit 1 and every problem on stderr with its JSON path", async () => {
    const dir = tempDir();
    const m = await semanticallyBroken();
    const grid = m.pages[0].components.findIndex((c: any) => c.type === "DataGrid");
    await writeJson(dir, "broken.json", m);
    const r = await torque(["model", "validate", "broken.json"], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("broken.json");
    const lines = r.stderr.split("\n");
    const expectLine = (path: string, ...words: string[]) => {
      const line = lines.find((l) => l.trim().startsWith(`${path}:`));
      expect(line, `a line for ${path} in:\n${r.stderr}`).toBeDefined();
      for (const w of words) expect(line).toContain(w);
    };
    expectLine("/entities/2/name", "project", "twice");
    expectLine("/entities/1/fields/7/entity", "person");
    expectLine(`/pages/0/components/${grid}/props/columns/1`, "nonexistent_column");
    expectLine("/startPage", "dashboard");
    expectLine("/xflows/0/edges/0/to", "ghost");
    // The good column is not reported.
    expect(r.stderr).not.toContain(`/pages/0/components/${grid}/props/columns/0`);

    const j = await torque(["model", "validate", "broken.json", "--json"], { cwd: dir });
    expect(j.code).toBe(1);
    const report = JSON.parse(j.stdout);
    expect(report.valid).toBe(false);
    expect(report.issues).toHaveLength(5);
  });

  test("an unknown field type is reported with its path", async () => {
    const dir = tempDir();
    const m = await template("todo");
    m.entities[1].fields[2].type = "currency";
    await writeJson(dir, "m.json", m);
    const r = await torque(["model", "validate", "m.json"], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/\/entities\/1\/fields\/2\/type: .*"currency"/);
  });

  test("an unknown field type and broken references are all reported in one run", async () => {
    const dir = tempDir();
    const m = await semanticallyBroken();
    m.entities[0].fields[1].type = "currency";
    await writeJson(dir, "m.json", m);
    const r = await torque(["model", "validate", "m.json", "--json"], { cwd: dir });
    expect(r.code).toBe(1);
    const paths = JSON.parse(r.stdout).issues.map((i: any) => i.path);
    expect(paths).toEqual(
      expect.arrayContaining(["/entities/0/fields/1/type", "/entities/2/name", "/entities/1/fields/7/entity", "/startPage", "/xflows/0/edges/0/to"]),
    );
  });

  test("a duplicate entity does not produce false reports about the first definition", async () => {
    const dir = tempDir();
    const m = await template("todo");
    m.entities.push({ name: "task", fields: [{ name: "other", type: "text" }] });
    await writeJson(dir, "m.json", m);
    const r = await torque(["model", "validate", "m.json", "--json"], { cwd: dir });
    const issues = JSON.parse(r.stdout).issues;
    expect(issues.map((i: any) => i.path)).toEqual(["/entities/2/name"]);
  });

  test("malformed JSON: exit 1 with a message naming the file", async () => {
    const dir = tempDir();
    await Bun.write(join(dir, "half.json"), '{"name": "Half", "entities": [');
    const r = await torque(["model", "validate", "half.json"], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain("half.json");
    expect(r.stderr).toMatch(/JSON/);
  });

  test("a file that does not exist: exit 1 naming it", async () => {
    const dir = tempDir();
    const r = await torque(["model", "validate", "nowhere.json"], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("nowhere.json");
    expect(r.stderr).toMatch(/does not exist|not found|no such/i);
  });

  test("a legacy file validates (through conversion)", async () => {
    const dir = tempDir();
    for (const f of ["todo-app.json", "customer-order.json"]) {
      const r = await torque(["model", "validate", join(FIXTURES, f)], { cwd: dir });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain("legacy");
      expect((await okJson(["model", "validate", join(FIXTURES, f)], { cwd: dir })).format).toBe("legacy");
    }
  });
});

describe("model delete", () => {
  test("refused while an app uses the model (exit 1 naming the app); allowed with --with-apps", async () => {
    const dir = tempDir();
    await ok(["init", ".", "--template", "todo"], { cwd: dir });
    await ok(["app", "create", "Todo", "--slug", "todo-staging"], { cwd: dir });

    const r = await torque(["model", "delete", "Todo"], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain("todo");
    expect(r.stderr).toContain("--with-apps");
    expect((await okJson<any[]>(["model", "list"], { cwd: dir })).map((m) => m.name)).toEqual(["Todo"]);
    expect(appSlugs(join(dir, "torque.db"))).toEqual(["todo", "todo-staging"]);

    const d = await ok(["model", "delete", "Todo", "--with-apps"], { cwd: dir });
    expect(d.stdout).toContain("todo-staging");
    expect(await okJson(["model", "list"], { cwd: dir })).toEqual([]);
    expect(appSlugs(join(dir, "torque.db"))).toEqual([]);
    // The apps' data went with them.
    expect(withDb(join(dir, "torque.db"), (db) => db.query<{ n: number }, []>("SELECT count(*) AS n FROM entities").get()!.n)).toBe(0);
  });

  test("a model without apps is deleted with its history", async () => {
    const dir = tempDir();
    const m = await okJson(["model", "create", "Scratch"], { cwd: dir });
    await ok(["model", "delete", m.id], { cwd: dir });
    expect(await okJson(["model", "list"], { cwd: dir })).toEqual([]);
    expect(withDb(join(dir, "torque.db"), (db) => db.query<{ n: number }, []>("SELECT count(*) AS n FROM model_versions").get()!.n)).toBe(0);
    expect((await torque(["model", "delete", m.id], { cwd: dir })).code).toBe(1);
  });
});
