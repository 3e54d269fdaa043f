// The CLI after the red team's findings, with the real command over real SQLite files:
// `app import` checks every record's id, version and timestamps before storing them;
// files that cannot be read say what is wrong with them (not "does not exist");
// global options come before the command as well as after; a whole number out of range
// exits 1 with the service's sentence whatever its sign.
import { describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { appSlugs, entityCounts, ok, okJson, tempDir, torque, withDb } from "../helpers/cli";

describe("app import checks ids, versions and timestamps", () => {
  test("a file with a forged id, version -5 and bad timestamps is refused listing every problem; nothing changes", async () => {
    const dir = tempDir();
    await ok(["init", ".", "--template", "todo"], { cwd: dir });
    await ok(["app", "export", "todo", "--out", "f.json"], { cwd: dir });
    const f = await Bun.file(join(dir, "f.json")).json();
    const task = f.entities.findIndex((r: any) => r.entity === "task");
    f.entities[task].id = "x'; DROP TABLE entities;--";
    f.entities[task + 1].version = -5;
    f.entities[task + 2].createdAt = "not a date";
    f.entities[task + 3].updatedAt = 5;
    f.entities[task + 4].version = 1.5;
    await Bun.write(join(dir, "bad.json"), JSON.stringify(f));

    const r = await torque(["app", "import", "copy", "bad.json", "--db", "other.db"], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    for (const part of [
      `/entities/${task}/id: id must be a UUID as Torque issues them (lowercase), not "x'; DROP TABLE entities;--"`,
      `/entities/${task + 1}/version: version must be a whole number, 1 or more, not -5`,
      `/entities/${task + 2}/createdAt: createdAt must be an ISO 8601 date and time`,
      `/entities/${task + 3}/updatedAt: updatedAt must be an ISO 8601 date and time such as 2024-05-01T12:00:00.000Z, not 5`,
      `/entities/${task + 4}/version: version must be a whole number, 1 or more, not 1.5`,
    ])
      expect(r.stderr).toContain(part);
    expect(appSlugs(join(dir, "other.db"))).toEqual([]);
    expect(entityCounts(join(dir, "other.db"))).toEqual({});
  });

  test("a timestamp with an offset is accepted and stored in UTC, so text order stays time order", async () => {
    const dir = tempDir();
    await ok(["init", ".", "--template", "todo"], { cwd: dir });
    await ok(["app", "export", "todo", "--out", "f.json"], { cwd: dir });
    const f = await Bun.file(join(dir, "f.json")).json();
    f.entities[0].createdAt = "2024-05-01T14:00:00+02:00";
    await Bun.write(join(dir, "f.json"), JSON.stringify(f));
    await ok(["app", "import", "copy", "f.json", "--db", "other.db"], { cwd: dir });
    const stored = withDb(join(dir, "other.db"), (db) =>
      db.query<{ created_at: string }, [string]>("SELECT created_at FROM entities WHERE id = ?").get(f.entities[0].id),
    );
    expect(stored?.created_at).toBe("2024-05-01T12:00:00.000Z");
  });
});

describe("files that cannot be read say why", () => {
  test("a device, a folder, an empty file and one that is not JSON, for app import and model import", async () => {
    const dir = tempDir();
    await ok(["init", ".", "--template", "todo"], { cwd: dir });
    writeFileSync(join(dir, "empty.json"), "");
    writeFileSync(join(dir, "broken.json"), "{ not json");
    const cases: [string[], string][] = [
      [["app", "import", "crm", "/dev/null"], "torque: /dev/null is not a regular file (a device, pipe or socket); give a JSON file"],
      [["model", "import", "/dev/zero"], "torque: /dev/zero is not a regular file (a device, pipe or socket); give a JSON file"],
      [["model", "import", dir], `torque: ${dir} is not a regular file (a folder); give a JSON file`],
      [["model", "import", "empty.json"], "torque: file empty.json is empty; expected JSON"],
      [["app", "import", "crm", "broken.json"], "torque: file broken.json is not valid JSON:"],
      [["model", "import", "missing.json"], "torque: file missing.json does not exist"],
    ];
    for (const [args, says] of cases) {
      const r = await torque(args, { cwd: dir });
      expect(r.code).toBe(1);
      expect(r.stderr.trim()).toStartWith(says);
    }
    expect(appSlugs(join(dir, "torque.db"))).toEqual(["todo"]);
  });
});

describe("options", () => {
  test("--db works before the command, between command and sub-command, and after", async () => {
    const dir = tempDir();
    await ok(["init", "proj", "--template", "todo"], { cwd: dir });
    const db = join(dir, "proj", "torque.db");
    for (const args of [
      ["--db", db, "app", "list"],
      [`--db=${db}`, "app", "list"],
      ["app", "--db", db, "list"],
      ["app", "list", "--db", db],
    ])
      expect((await okJson<any[]>(args, { cwd: dir })).map((a) => a.slug)).toEqual(["todo"]);
    const alone = await torque(["--db"], { cwd: dir });
    expect(alone.code).toBe(2);
    expect(alone.stderr).not.toContain("unknown command");
  });

  test("whole numbers out of range exit 1 with the service's sentence, negative or too large alike; words are usage errors", async () => {
    const dir = tempDir();
    await ok(["init", ".", "--template", "todo"], { cwd: dir });
    for (const [args, says] of [
      [["app", "seed", "todo", "--count", "-1"], "count must be a whole number from 0 to 1,000,000"],
      [["app", "seed", "todo", "--count", "1000001"], "count must be a whole number from 0 to 1,000,000"],
      [["xflow", "runs", "--limit", "0"], "limit must be a whole number from 1 to 1,000"],
      [["xflow", "runs", "--limit", "1001"], "limit must be a whole number from 1 to 1,000"],
    ] as [string[], string][]) {
      const r = await torque(args, { cwd: dir });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(says);
    }
    const word = await torque(["app", "seed", "todo", "--count", "many"], { cwd: dir });
    expect(word.code).toBe(2);
    expect(word.stderr).toContain('--count takes a whole number, not "many"');
    expect(entityCounts(join(dir, "torque.db"), "todo")).toEqual({ project: 25, task: 25 });
  });
});
