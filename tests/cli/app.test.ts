// `torque app create|list|seed|export|import|delete`, checked against the SQLite file.
import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { appSlugs, entityCounts, ok, okJson, tempDir, torque, withDb } from "../helpers/cli";

const ids = (file: string, slug: string) =>
  withDb(file, (db) =>
    db
      .query<{ id: string; type: string }, [string]>("SELECT e.id, e.type FROM entities e JOIN apps a ON a.id = e.app_id WHERE a.slug = ? ORDER BY e.id")
      .all(slug)
      .map((r) => `${r.type}:${r.id}`),
  );

describe("app create", () => {
  test("creates a second app of a model, listed with its model and version", async () => {
    const dir = tempDir();
    await ok(["init", ".", "--template", "crm"], { cwd: dir });
    const out = await okJson(["app", "create", "CRM", "--slug", "crm-staging"], { cwd: dir });
    expect(out).toMatchObject({ slug: "crm-staging", model: "CRM", version: 1 });
    const apps = await okJson<any[]>(["app", "list"], { cwd: dir });
    expect(apps.map((a) => a.slug).sort()).toEqual(["crm", "crm-staging"]);
    expect(new Set(apps.map((a) => a.modelId)).size).toBe(1);
    // The new app starts empty; the sample data stays in crm.
    expect(entityCounts(join(dir, "torque.db"), "crm-staging")).toEqual({});
    expect(Object.keys(entityCounts(join(dir, "torque.db"), "crm"))).toHaveLength(4);
    const text = await ok(["app", "list"], { cwd: dir });
    expect(text.stdout).toMatch(/^SLUG\s+MODEL\s+VERSION/);
    expect(text.stdout).toMatch(/crm-staging\s+CRM\s+1/);
  });

  test("without --slug the slug comes from the model name", async () => {
    const dir = tempDir();
    await ok(["model", "create", "Field Service"], { cwd: dir });
    expect((await okJson(["app", "create", "Field Service"], { cwd: dir })).slug).toBe("field-service");
    expect((await okJson(["app", "create", "Field Service"], { cwd: dir })).slug).toBe("field-service-2");
  });

  test("a bad slug exits 1 naming it; nothing is created", async () => {
    const dir = tempDir();
    await ok(["model", "create", "Shop"], { cwd: dir });
    const r = await torque(["app", "create", "Shop", "--slug", "Bad Slug!"], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain("Bad Slug!");
    expect(await okJson(["app", "list"], { cwd: dir })).toEqual([]);
  });

  test("a duplicate slug exits 1; the first app is untouched", async () => {
    const dir = tempDir();
    await ok(["init", ".", "--template", "todo"], { cwd: dir });
    const before = entityCounts(join(dir, "torque.db"), "todo");
    const r = await torque(["app", "create", "Todo", "--slug", "todo"], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('"todo"');
    expect(r.stderr).toContain("exists");
    expect(appSlugs(join(dir, "torque.db"))).toEqual(["todo"]);
    expect(entityCounts(join(dir, "torque.db"), "todo")).toEqual(before);
  });
});

describe("app seed", () => {
  test("--count 500 adds 500 records of every entity type", async () => {
    const dir = tempDir();
    await ok(["init", ".", "--template", "crm"], { cwd: dir });
    const db = join(dir, "torque.db");
    const before = entityCounts(db);
    const out = await okJson(["app", "seed", "crm", "--count", "500"], { cwd: dir });
    expect(out.app).toBe("crm");
    expect(out.created).toEqual({ company: 500, contact: 500, deal: 500, activity: 500 });
    const after = entityCounts(db); // SELECT type, count(*) FROM entities GROUP BY type
    expect(after).toEqual(Object.fromEntries(Object.entries(before).map(([t, n]) => [t, n + 500])));

    // Seeded records satisfy the model: references point at records of the right type.
    withDb(db, (d) => {
      const companies = new Set(
        d
          .query<{ id: string }, []>("SELECT id FROM entities WHERE type = 'company'")
          .all()
          .map((r) => r.id),
      );
      const contacts = d
        .query<{ data: string }, []>("SELECT data FROM entities WHERE type = 'contact'")
        .all()
        .map((r) => JSON.parse(r.data));
      const withCompany = contacts.filter((c) => c.company != null);
      expect(withCompany.length).toBeGreaterThan(0);
      for (const c of withCompany) expect(companies.has(c.company)).toBe(true);
    });
  });

  test("the text output names the counts; the default count is 100", async () => {
    const dir = tempDir();
    await ok(["init", ".", "--template", "todo"], { cwd: dir });
    const before = entityCounts(join(dir, "torque.db"));
    const r = await ok(["app", "seed", "todo"], { cwd: dir });
    expect(r.stdout).toMatch(/seeded todo: 100 project, 100 task/);
    expect(entityCounts(join(dir, "torque.db"))).toEqual({ project: before.project! + 100, task: before.task! + 100 });
  });

  test("the same --seed gives the same data", async () => {
    const dir = tempDir();
    for (const f of ["a.db", "b.db"]) {
      await ok(["model", "import", new URL("../../src/model/templates/todo.json", import.meta.url).pathname, "--db", f], { cwd: dir });
      await ok(["app", "seed", "todo", "--count", "20", "--seed", "7", "--db", f], { cwd: dir });
    }
    const titles = (f: string) =>
      withDb(join(dir, f), (d) =>
        d
          .query<{ t: string }, []>("SELECT json_extract(data, '$.title') AS t FROM entities WHERE type = 'task' ORDER BY t")
          .all()
          .map((r) => r.t),
      );
    expect(titles("a.db")).toHaveLength(20);
    expect(titles("a.db")).toEqual(titles("b.db"));
  });

  test("seeding an unknown app exits 1 naming it and writes nothing", async () => {
    const dir = tempDir();
    await ok(["init", ".", "--template", "todo"], { cwd: dir });
    const before = entityCounts(join(dir, "torque.db"));
    const r = await torque(["app", "seed", "nope", "--count", "10"], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain("nope");
    expect(entityCounts(join(dir, "torque.db"))).toEqual(before);
  });
});

describe("app export and import", () => {
  test("export then import into a fresh database reproduces every record with its id", async () => {
    const dir = tempDir();
    await ok(["init", ".", "--template", "crm"], { cwd: dir });
    await ok(["app", "seed", "crm", "--count", "200"], { cwd: dir });
    const r = await ok(["app", "export", "crm", "--out", "f.json"], { cwd: dir });
    expect(r.stderr).toContain("f.json");
    const file = await Bun.file(join(dir, "f.json")).json();
    expect(file).toMatchObject({ format: "torque-app", app: "crm" });
    expect(file.entities).toHaveLength(4 * 225);

    const out = await okJson(["app", "import", "copy", "f.json", "--db", "other.db"], { cwd: dir });
    expect(out).toMatchObject({ app: "copy", created: true, loaded: { company: 225, contact: 225, deal: 225, activity: 225 } });
    const src = join(dir, "torque.db"),
      dst = join(dir, "other.db");
    expect(entityCounts(dst, "copy")).toEqual(entityCounts(src, "crm"));
    expect(ids(dst, "copy")).toEqual(ids(src, "crm"));
    // Same data too, record by record.
    const data = (f: string) =>
      withDb(f, (d) =>
        d
          .query<{ id: string; data: string }, []>("SELECT id, data FROM entities ORDER BY id")
          .all()
          .map((x) => [x.id, JSON.parse(x.data)]),
      );
    expect(data(dst)).toEqual(data(src));
    // The new database got a model for the app.
    expect((await okJson<any[]>(["app", "list", "--db", "other.db"], { cwd: dir }))[0]).toMatchObject({ slug: "copy", model: "CRM" });
  });

  test("importing the same file again into that app fails and changes nothing", async () => {
    const dir = tempDir();
    await ok(["init", ".", "--template", "todo"], { cwd: dir });
    await ok(["app", "export", "todo", "--out", "f.json"], { cwd: dir });
    await ok(["app", "import", "copy", "f.json", "--db", "other.db"], { cwd: dir });
    const dst = join(dir, "other.db");
    const before = { counts: entityCounts(dst), ids: ids(dst, "copy") };

    const again = await torque(["app", "import", "copy", "f.json", "--db", "other.db"], { cwd: dir });
    expect(again.code).toBe(1);
    expect(again.stderr.trim().split("\n")).toHaveLength(1);
    expect(again.stderr).toMatch(/already/);
    expect(entityCounts(dst)).toEqual(before.counts);
    expect(ids(dst, "copy")).toEqual(before.ids);
  });

  test("import into an existing app of the same model adds the records", async () => {
    const dir = tempDir();
    await ok(["init", ".", "--template", "todo"], { cwd: dir });
    await ok(["app", "export", "todo", "--out", "f.json"], { cwd: dir });
    await ok(["app", "delete", "todo"], { cwd: dir });
    await ok(["app", "create", "Todo", "--slug", "todo"], { cwd: dir });
    const out = await okJson(["app", "import", "todo", "f.json"], { cwd: dir });
    expect(out.created).toBe(false);
    expect(out.loaded).toEqual({ project: 25, task: 25 });
  });

  test("a file that is not an app export is refused (exit 1) and creates no app", async () => {
    const dir = tempDir();
    await Bun.write(join(dir, "model.json"), await Bun.file(new URL("../../src/model/templates/todo.json", import.meta.url).pathname).text());
    const r = await torque(["app", "import", "x", "model.json"], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("torque-app");
    expect(await okJson(["app", "list"], { cwd: dir })).toEqual([]);
    expect(await okJson(["model", "list"], { cwd: dir })).toEqual([]);
  });

  test("a failed import into a new app leaves neither app nor model behind", async () => {
    const dir = tempDir();
    await ok(["init", ".", "--template", "todo"], { cwd: dir });
    await ok(["app", "export", "todo", "--out", "f.json"], { cwd: dir });
    const f = await Bun.file(join(dir, "f.json")).json();
    f.entities = f.entities.filter((e: any) => e.entity === "task"); // their projects are missing
    await Bun.write(join(dir, "tasks-only.json"), JSON.stringify(f));
    const r = await torque(["app", "import", "copy", "tasks-only.json", "--db", "other.db"], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain("project");
    expect(await okJson(["app", "list", "--db", "other.db"], { cwd: dir })).toEqual([]);
    expect(await okJson(["model", "list", "--db", "other.db"], { cwd: dir })).toEqual([]);
    expect(entityCounts(join(dir, "other.db"))).toEqual({});
  });

  test("a file whose records do not fit its model leaves neither app nor model behind", async () => {
    const dir = tempDir();
    const doc = {
      format: "torque-app",
      formatVersion: 1,
      app: "x",
      model: { name: "M", entities: [] },
      entities: [{ id: "r1", entity: "nope", data: {} }],
      links: [],
    };
    await Bun.write(join(dir, "x.json"), JSON.stringify(doc));
    const r = await torque(["app", "import", "x", "x.json"], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("nope");
    expect(await okJson(["app", "list"], { cwd: dir })).toEqual([]);
    expect(await okJson(["model", "list"], { cwd: dir })).toEqual([]);
  });

  test("export to stdout is the same document; exporting an unknown app exits 1", async () => {
    const dir = tempDir();
    await ok(["init", ".", "--template", "todo"], { cwd: dir });
    const doc = JSON.parse((await ok(["app", "export", "todo"], { cwd: dir })).stdout);
    expect(doc.entities).toHaveLength(50);
    expect(doc.model.name).toBe("Todo");
    const r = await torque(["app", "export", "ghost"], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("ghost");
  });
});

describe("app delete", () => {
  test("removes the app and its records, and leaves other apps alone", async () => {
    const dir = tempDir();
    await ok(["init", ".", "--template", "todo"], { cwd: dir });
    await ok(["app", "create", "Todo", "--slug", "other"], { cwd: dir });
    await ok(["app", "seed", "other", "--count", "5"], { cwd: dir });
    await ok(["app", "delete", "todo"], { cwd: dir });
    expect(appSlugs(join(dir, "torque.db"))).toEqual(["other"]);
    expect(entityCounts(join(dir, "torque.db"))).toEqual({ project: 5, task: 5 });
    expect((await torque(["app", "delete", "todo"], { cwd: dir })).code).toBe(1);
  });
});
