// `torque init`: a project folder with torque.json, a database, a model from a template,
// an app of it and sample records; and how every command then finds that database.
import { describe, expect, test } from "bun:test";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { appSlugs, entityCounts, ok, okJson, tempDir, torque } from "../helpers/cli";

const expected = {
  todo: { model: "Todo", types: ["project", "task"] },
  crm: { model: "CRM", types: ["activity", "company", "contact", "deal"] },
  blank: { model: "Blank", types: [] as string[] },
};

describe("init DIR --template", () => {
  for (const [name, want] of Object.entries(expected)) {
    test(`${name}: creates torque.json and torque.db, and app list finds the project from inside it`, async () => {
      const root = tempDir();
      const dir = join(root, "proj");
      const r = await torque(["init", dir, "--template", name], { cwd: root });
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(dir);
      expect(existsSync(join(dir, "torque.json"))).toBe(true);
      expect(existsSync(join(dir, "torque.db"))).toBe(true);
      const config = await Bun.file(join(dir, "torque.json")).json();
      expect(config.db).toBe("torque.db");

      // Run from inside the project: no --db, no TORQUE_DB; the project file says where the data is.
      const apps = await okJson<any[]>(["app", "list"], { cwd: dir });
      expect(apps.map((a) => a.slug)).toEqual([name]);
      expect(apps[0].model).toBe(want.model);
      expect(apps[0].version).toBe(1);

      // …and from a sub-folder of the project.
      const sub = join(dir, "deeper", "still");
      await Bun.write(join(sub, ".keep"), "");
      expect((await okJson<any[]>(["app", "list"], { cwd: sub })).map((a) => a.slug)).toEqual([name]);

      const counts = entityCounts(join(dir, "torque.db"), name);
      expect(Object.keys(counts).sort()).toEqual(want.types);
      for (const t of want.types) expect(counts[t]).toBeGreaterThan(0);
    });
  }

  test("init without DIR uses the current folder; --json reports what was made", async () => {
    const dir = tempDir();
    const out = await okJson(["init", "--template", "todo"], { cwd: dir });
    expect(out.app).toBe("todo");
    expect(out.db).toBe(join(dir, "torque.db"));
    expect(out.model.name).toBe("Todo");
    // The seeded counts it reports are what is in the file.
    expect(entityCounts(join(dir, "torque.db"))).toEqual(out.seeded);
  });

  test("the default template is todo", async () => {
    const dir = tempDir();
    await ok(["init", "."], { cwd: dir });
    expect(appSlugs(join(dir, "torque.db"))).toEqual(["todo"]);
  });

  test("a second init in the same folder exits 1 with a one-line reason and changes nothing", async () => {
    const dir = tempDir();
    await ok(["init", ".", "--template", "todo"], { cwd: dir });
    const before = entityCounts(join(dir, "torque.db"));
    const config = await Bun.file(join(dir, "torque.json")).text();

    const r = await torque(["init", ".", "--template", "crm"], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain("torque.json");
    expect(entityCounts(join(dir, "torque.db"))).toEqual(before);
    expect(await Bun.file(join(dir, "torque.json")).text()).toBe(config);
  });

  test("init refuses a folder whose database file already exists", async () => {
    const dir = tempDir();
    await ok(["model", "create", "Existing", "--db", "torque.db"], { cwd: dir });
    const r = await torque(["init", "."], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain("torque.db");
    expect(existsSync(join(dir, "torque.json"))).toBe(false);
  });

  test("an unknown template is bad usage (exit 2) and creates nothing", async () => {
    const root = tempDir();
    const r = await torque(["init", "proj", "--template", "nope"], { cwd: root });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('"nope"');
    expect(r.stderr).toMatch(/todo.*crm.*blank/);
    expect(r.stderr).toContain("Usage:");
    expect(readdirSync(root)).toEqual([]);
  });

  test("init --db FILE writes that file and the project keeps using it", async () => {
    const dir = tempDir();
    await ok(["init", ".", "--template", "crm", "--db", "data.sqlite"], { cwd: dir });
    expect(existsSync(join(dir, "data.sqlite"))).toBe(true);
    expect(existsSync(join(dir, "torque.db"))).toBe(false);
    expect((await Bun.file(join(dir, "torque.json")).json()).db).toBe("data.sqlite");
    expect((await okJson<any[]>(["app", "list"], { cwd: dir })).map((a) => a.slug)).toEqual(["crm"]);
  });
});

describe("choosing the database: --db, then TORQUE_DB, then torque.json", () => {
  test("--db and TORQUE_DB select different files on every command", async () => {
    const dir = tempDir();
    // Two databases, filled through the two ways of naming them.
    await ok(["model", "create", "Alpha", "--db", "a.db"], { cwd: dir });
    await ok(["model", "create", "Beta"], { cwd: dir, env: { TORQUE_DB: join(dir, "b.db") } });

    const names = async (args: string[], env?: Record<string, string>) =>
      (await okJson<any[]>(["model", "list", ...args], { cwd: dir, env })).map((m) => m.name);
    expect(await names(["--db", "a.db"])).toEqual(["Alpha"]);
    expect(await names([], { TORQUE_DB: "b.db" })).toEqual(["Beta"]);
    expect(existsSync(join(dir, "torque.db"))).toBe(false); // neither run fell back to the default

    // app, migrate and backup follow the same choice.
    await ok(["app", "create", "Alpha", "--slug", "alpha", "--db", "a.db"], { cwd: dir });
    await ok(["app", "create", "Beta", "--slug", "beta"], { cwd: dir, env: { TORQUE_DB: "b.db" } });
    expect(appSlugs(join(dir, "a.db"))).toEqual(["alpha"]);
    expect(appSlugs(join(dir, "b.db"))).toEqual(["beta"]);
    expect((await okJson<any[]>(["migrate", "--status", "--db", "a.db"], { cwd: dir }))[0].applied).toBe(true);
    await ok(["backup", "copy-a.db", "--db", "a.db"], { cwd: dir });
    await ok(["backup", "copy-b.db"], { cwd: dir, env: { TORQUE_DB: "b.db" } });
    expect(appSlugs(join(dir, "copy-a.db"))).toEqual(["alpha"]);
    expect(appSlugs(join(dir, "copy-b.db"))).toEqual(["beta"]);
  });

  test("--db wins over TORQUE_DB, which wins over torque.json", async () => {
    const dir = tempDir();
    await ok(["init", ".", "--template", "todo"], { cwd: dir }); // torque.json → torque.db
    await ok(["model", "create", "FromFlag", "--db", "flag.db"], { cwd: dir });
    await ok(["model", "create", "FromEnv", "--db", "env.db"], { cwd: dir });

    const names = async (args: string[], env?: Record<string, string>) =>
      (await okJson<any[]>(["model", "list", ...args], { cwd: dir, env })).map((m) => m.name);
    expect(await names([])).toEqual(["Todo"]);
    expect(await names([], { TORQUE_DB: "env.db" })).toEqual(["FromEnv"]);
    expect(await names(["--db", "flag.db"], { TORQUE_DB: "env.db" })).toEqual(["FromFlag"]);
    expect(await names(["--db", "flag.db"])).toEqual(["FromFlag"]);
  });

  test("init honours TORQUE_DB like every other command", async () => {
    const dir = tempDir();
    const env = { TORQUE_DB: join(dir, "env.db") };
    await ok(["init", "proj"], { cwd: dir, env });
    expect(existsSync(join(dir, "env.db"))).toBe(true);
    expect((await okJson<any[]>(["app", "list"], { cwd: join(dir, "proj"), env })).map((a) => a.slug)).toEqual(["todo"]);
  });

  test("outside any project the default is ./torque.db", async () => {
    const dir = tempDir();
    await ok(["model", "create", "Here"], { cwd: dir });
    expect(existsSync(join(dir, "torque.db"))).toBe(true);
    expect((await okJson<any[]>(["model", "list", "--db", "torque.db"], { cwd: dir })).map((m) => m.name)).toEqual(["Here"]);
  });
});
