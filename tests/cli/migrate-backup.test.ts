// `torque migrate` (status, up, down, idempotence) and `torque backup` (a consistent copy
// taken while another process writes), and durability of what a finished command wrote.
import { describe, expect, test } from "bun:test";
import { statSync } from "node:fs";
import { join } from "node:path";
import { appSlugs, entityCounts, ok, okJson, spawnTorque, tempDir, torque, withDb } from "../helpers/cli";

const tables = (file: string) =>
  withDb(file, (db) =>
    db
      .query<{ name: string }, []>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
      .all()
      .map((r) => r.name),
  );

describe("migrate", () => {
  test("--status lists migration 1 as applied after init, as JSON and as a table", async () => {
    const dir = tempDir();
    await ok(["init", ".", "--template", "todo"], { cwd: dir });
    const st = await okJson<any[]>(["migrate", "--status"], { cwd: dir });
    expect(st.length).toBeGreaterThanOrEqual(1);
    expect(st[0]).toMatchObject({ version: 1, name: "system", applied: true });
    expect(Number.isNaN(Date.parse(st[0].appliedAt))).toBe(false);
    expect(st.every((m) => m.applied)).toBe(true);

    const text = await ok(["migrate", "--status"], { cwd: dir });
    const lines = text.stdout.trim().split("\n");
    expect(lines[0]).toMatch(/VERSION\s+NAME\s+STATUS/);
    expect(lines[1]).toMatch(/^1\s+system\s+applied\s+\d{4}-/);
    expect(text.stdout).not.toContain("pending");
  });

  test("--status on a new file shows pending and does not apply anything", async () => {
    const dir = tempDir();
    const st = await okJson<any[]>(["migrate", "--status", "--db", "fresh.db"], { cwd: dir });
    expect(st[0]).toMatchObject({ version: 1, applied: false });
    expect(tables(join(dir, "fresh.db"))).not.toContain("entities");
  });

  test("--up is idempotent: the second run says the database is up to date", async () => {
    const dir = tempDir();
    const first = await okJson(["migrate", "--up", "--db", "m.db"], { cwd: dir });
    expect(first.applied).toContain(1);
    expect(tables(join(dir, "m.db"))).toEqual(expect.arrayContaining(["apps", "audit_log", "entities", "models", "schema_migrations"]));
    const second = await ok(["migrate", "--up", "--db", "m.db"], { cwd: dir });
    expect(second.stdout).toMatch(/up to date/);
    expect((await okJson(["migrate", "--db", "m.db"], { cwd: dir })).applied).toEqual([]); // --up is the default
  });

  test("--down reverts, --status then shows pending, and --up applies it again", async () => {
    const dir = tempDir();
    await ok(["init", ".", "--template", "crm"], { cwd: dir });
    // --down reverts the latest migration only: 13 (grown types and the small types' shared index), 12 (users, sessions, tokens; the audit log's door), 11 (when a claimed run ended), 10 (rollup triggers: nothing on SQLite), 9 (text search: nothing on SQLite), 8 (schedule claims), 7 (rollups), 6 (entity counts), 5 (full text), 4 (drop xflows), 3 (bulk-load safety), 2 (app ids), then 1 (the system tables).
    const claimColumns = () =>
      withDb(join(dir, "torque.db"), (db) =>
        db
          .query<{ name: string }, []>("SELECT name FROM pragma_table_info('schedule_claims')")
          .all()
          .map((r) => r.name),
      );
    expect(tables(join(dir, "torque.db"))).toContain("entity_grown_types");
    expect((await ok(["migrate", "--down"], { cwd: dir })).stdout).toMatch(/reverted migration 13/);
    expect(tables(join(dir, "torque.db"))).not.toContain("entity_grown_types");
    expect(tables(join(dir, "torque.db"))).toContain("users");
    expect((await ok(["migrate", "--down"], { cwd: dir })).stdout).toMatch(/reverted migration 12/);
    expect(tables(join(dir, "torque.db"))).not.toContain("users");
    expect(claimColumns()).toContain("done_at");
    expect((await ok(["migrate", "--down"], { cwd: dir })).stdout).toMatch(/reverted migration 11/);
    expect(claimColumns()).not.toContain("done_at");
    expect((await ok(["migrate", "--down"], { cwd: dir })).stdout).toMatch(/reverted migration 10/);
    expect((await ok(["migrate", "--down"], { cwd: dir })).stdout).toMatch(/reverted migration 9/);
    expect((await ok(["migrate", "--down"], { cwd: dir })).stdout).toMatch(/reverted migration 8/);
    expect(tables(join(dir, "torque.db"))).not.toContain("schedule_claims");
    expect((await ok(["migrate", "--down"], { cwd: dir })).stdout).toMatch(/reverted migration 7/);
    expect(tables(join(dir, "torque.db"))).not.toContain("entity_rollups");
    expect((await ok(["migrate", "--down"], { cwd: dir })).stdout).toMatch(/reverted migration 6/);
    expect(tables(join(dir, "torque.db"))).not.toContain("entity_counts");
    expect((await ok(["migrate", "--down"], { cwd: dir })).stdout).toMatch(/reverted migration 5/);
    expect((await ok(["migrate", "--down"], { cwd: dir })).stdout).toMatch(/reverted migration 4/);
    expect(tables(join(dir, "torque.db"))).toContain("xflows");
    expect((await ok(["migrate", "--down"], { cwd: dir })).stdout).toMatch(/reverted migration 3/);
    expect(tables(join(dir, "torque.db"))).not.toContain("seed_runs");
    expect((await ok(["migrate", "--down"], { cwd: dir })).stdout).toMatch(/reverted migration 2/);
    expect(tables(join(dir, "torque.db"))).toContain("entities");
    const down = await ok(["migrate", "--down"], { cwd: dir });
    expect(down.stdout).toMatch(/reverted migration 1/);
    expect(tables(join(dir, "torque.db"))).not.toContain("entities");

    const st = await okJson<any[]>(["migrate", "--status"], { cwd: dir });
    expect(st[0]).toMatchObject({ version: 1, applied: false });
    expect((await ok(["migrate", "--status"], { cwd: dir })).stdout).toMatch(/^1\s+system\s+pending/m);
    expect((await ok(["migrate", "--down"], { cwd: dir })).stdout).toMatch(/nothing to revert/);

    const up = await ok(["migrate", "--up"], { cwd: dir });
    expect(up.stdout).toMatch(/applied migration\(s\) 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13/);
    expect((await okJson<any[]>(["migrate", "--status"], { cwd: dir }))[0].applied).toBe(true);
    // The schema is back and usable (the data went with --down, as its help says).
    expect(await okJson<any[]>(["app", "list"], { cwd: dir })).toEqual([]);
    await ok(["model", "create", "Again"], { cwd: dir });
    expect((await okJson<any[]>(["model", "list"], { cwd: dir })).map((m) => m.name)).toEqual(["Again"]);
  });
});

describe("backup", () => {
  test("a copy taken while `app seed --count 20000` writes is a valid, consistent snapshot", async () => {
    const dir = tempDir();
    await ok(["init", ".", "--template", "crm"], { cwd: dir });
    const dbFile = join(dir, "torque.db");
    const initial = entityCounts(dbFile);
    const seed = spawnTorque(["app", "seed", "crm", "--count", "20000"], { cwd: dir });

    // Wait until the seed has committed something, so the backup really races the writer.
    const deadline = Date.now() + 30_000;
    let seen = 0;
    while (Date.now() < deadline && seed.exitCode === null) {
      seen = withDb(dbFile, (db) => db.query<{ n: number }, []>("SELECT count(*) AS n FROM entities").get()!.n);
      if (seen > 100) break;
      await Bun.sleep(10);
    }
    const backup = await torque(["backup", "b.db"], { cwd: dir });
    const seedStillRunning = seed.exitCode === null;
    const seedCode = await seed.exited;
    expect(seedCode).toBe(0);
    expect(backup.code).toBe(0);
    expect(backup.stdout).toContain("b.db");

    const b = join(dir, "b.db");
    expect(statSync(b).size).toBeGreaterThan(0);
    const integrity = withDb(b, (db) => db.query<{ integrity_check: string }, []>("PRAGMA integrity_check").all());
    expect(integrity).toEqual([{ integrity_check: "ok" }]);

    const final = entityCounts(dbFile);
    const inBackup = entityCounts(b);
    for (const t of Object.keys(initial)) {
      expect(final[t]).toBe(initial[t]! + 20000);
      expect(inBackup[t]).toBeGreaterThanOrEqual(initial[t]!);
      expect(inBackup[t]).toBeLessThanOrEqual(final[t]!);
    }
    if (seedStillRunning) expect(Object.values(inBackup).reduce((a, n) => a + n, 0)).toBeGreaterThanOrEqual(seen);
    // The copy is a working Torque database.
    expect((await okJson<any[]>(["app", "list", "--db", "b.db"], { cwd: dir })).map((a) => a.slug)).toEqual(["crm"]);
  }, 120_000);

  test("a backup of a quiet database holds exactly the same records", async () => {
    const dir = tempDir();
    await ok(["init", ".", "--template", "todo"], { cwd: dir });
    await ok(["backup", join(dir, "copy.db")], { cwd: dir });
    expect(entityCounts(join(dir, "copy.db"))).toEqual(entityCounts(join(dir, "torque.db")));
    expect(appSlugs(join(dir, "copy.db"))).toEqual(["todo"]);
  });

  test("backup to an existing file exits 1 and leaves that file alone", async () => {
    const dir = tempDir();
    await ok(["init", ".", "--template", "todo"], { cwd: dir });
    await Bun.write(join(dir, "precious.db"), "do not overwrite");
    const r = await torque(["backup", "precious.db"], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain("precious.db");
    expect(await Bun.file(join(dir, "precious.db")).text()).toBe("do not overwrite");
  });
});

describe("durability", () => {
  test("after `app seed` exits, another process opening the file sees every record", async () => {
    const dir = tempDir();
    await ok(["init", ".", "--template", "todo"], { cwd: dir });
    const before = entityCounts(join(dir, "torque.db"));
    const out = await okJson(["app", "seed", "todo", "--count", "3000"], { cwd: dir });
    expect(out.created).toEqual({ project: 3000, task: 3000 });

    // A separate process (not this one, not the CLI) opens the file cold.
    const script = `const { Database } = require("bun:sqlite");
      const db = new Database(${JSON.stringify(join(dir, "torque.db"))}, { readonly: true });
      console.log(JSON.stringify(Object.fromEntries(db.query("SELECT type, count(*) AS n FROM entities GROUP BY type").all().map(r => [r.type, r.n]))));`;
    const p = Bun.spawnSync([process.execPath, "-e", script], { cwd: dir });
    expect(p.exitCode).toBe(0);
    expect(JSON.parse(p.stdout.toString())).toEqual({ project: before.project! + 3000, task: before.task! + 3000 });
  });
});
