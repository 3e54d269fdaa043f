// Model history from the command line: `model update` saves versions, `model versions`
// lists them, `model diff` compares files and stored versions, `model rollback` restores.
import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { ok, okJson, tempDir, template, torque, writeJson } from "../helpers/cli";

/** todo.json (A) and a copy (B) with an added entity, a removed field and a changed page. */
async function twoVersions(dir: string) {
  const a = await template("todo");
  const b = structuredClone(a);
  b.entities.push({ name: "tag", label: "Tag", fields: [{ name: "label", type: "text", required: true }] });
  const task = b.entities.find((e: any) => e.name === "task");
  task.fields = task.fields.filter((f: any) => f.name !== "notes");
  b.pages.find((p: any) => p.name === "tasks").title = "All tasks";
  return { a: await writeJson(dir, "a.json", a), b: await writeJson(dir, "b.json", b) };
}

describe("model diff", () => {
  test("two files: an added entity, a removed field and a changed page, one line each", async () => {
    const dir = tempDir();
    const { a, b } = await twoVersions(dir);
    const r = await ok(["model", "diff", a, b], { cwd: dir });
    const lines = r.stdout.trim().split("\n");
    expect(lines).toContain("+ entity tag");
    expect(lines).toContain("- field task.notes");
    expect(lines).toContain("~ page tasks");
    expect(lines[0]).toBe(`--- ${a}`);
    expect(lines[1]).toBe(`+++ ${b}`);
    // The other way round, additions and removals swap.
    const back = (await ok(["model", "diff", b, a], { cwd: dir })).stdout.split("\n");
    expect(back).toContain("- entity tag");
    expect(back).toContain("+ field task.notes");
    // A file against itself.
    expect((await ok(["model", "diff", a, a], { cwd: dir })).stdout).toContain("identical");
  });

  test("--json gives the structured diff", async () => {
    const dir = tempDir();
    const { a, b } = await twoVersions(dir);
    const d = await okJson(["model", "diff", a, b], { cwd: dir });
    expect(d.identical).toBe(false);
    expect(d.from).toBe(a);
    expect(d.to).toBe(b);
    expect(JSON.stringify(d)).toContain("tag");
  });

  test("a stored model against itself (by name@version) is identical", async () => {
    const dir = tempDir();
    await ok(["init", ".", "--template", "todo"], { cwd: dir });
    const r = await ok(["model", "diff", "todo@1", "todo@1"], { cwd: dir });
    expect(r.stdout.trim()).toBe("Todo@1 and Todo@1 are identical");
    expect((await okJson(["model", "diff", "todo@1", "Todo"], { cwd: dir })).identical).toBe(true);
  });

  test("a file against a stored version; bad references fail", async () => {
    const dir = tempDir();
    await ok(["init", ".", "--template", "todo"], { cwd: dir });
    const { a, b } = await twoVersions(dir);
    expect((await ok(["model", "diff", "todo@1", a], { cwd: dir })).stdout).toContain("identical");
    expect((await ok(["model", "diff", "todo@1", b], { cwd: dir })).stdout).toContain("+ entity tag");
    const missing = await torque(["model", "diff", "todo@7", a], { cwd: dir });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("7");
    expect((await torque(["model", "diff", "todo@latest", a], { cwd: dir })).code).toBe(2);
  });
});

describe("model versions, update and rollback", () => {
  test("rollback to version 1 creates version 2 equal to version 1", async () => {
    const dir = tempDir();
    const m = await okJson(["model", "create", "Shop"], { cwd: dir });
    const r = await okJson(["model", "rollback", m.id, "1"], { cwd: dir });
    expect(r).toMatchObject({ id: m.id, version: 2, restored: 1 });

    const versions = await okJson<any[]>(["model", "versions", m.id], { cwd: dir });
    expect(versions.map((v) => v.version)).toEqual([2, 1]);
    expect(versions[0].note).toContain("1");
    expect((await ok(["model", "diff", `${m.id}@1`, `${m.id}@2`], { cwd: dir })).stdout).toContain("identical");
    expect((await okJson<any[]>(["model", "list"], { cwd: dir }))[0].version).toBe(2);
  });

  test("update saves a new version, its apps follow, and rollback restores the old one", async () => {
    const dir = tempDir();
    await ok(["init", ".", "--template", "todo"], { cwd: dir });
    const { b } = await twoVersions(dir);
    const saved = await okJson(["model", "update", "Todo", b], { cwd: dir });
    expect(saved.version).toBe(2);

    const versions = await okJson<any[]>(["model", "versions", "Todo"], { cwd: dir });
    expect(versions.map((v) => v.version)).toEqual([2, 1]);
    const text = await ok(["model", "versions", "Todo"], { cwd: dir });
    expect(text.stdout).toMatch(/^VERSION\s+SAVED\s+BY\s+NOTE/);
    expect(text.stdout).toContain("b.json");

    // The stored versions differ exactly as the files do.
    const d = (await ok(["model", "diff", "todo@1", "todo@2"], { cwd: dir })).stdout.split("\n");
    expect(d).toEqual(expect.arrayContaining(["+ entity tag", "- field task.notes", "~ page tasks"]));
    // show/export --version reach the old one.
    const v1 = await okJson(["model", "show", "Todo", "--version", "1"], { cwd: dir });
    expect(v1.version).toBe(1);
    expect(v1.model.entities.map((e: any) => e.name)).not.toContain("tag");
    await ok(["model", "export", "Todo", "--version", "2", "--out", "v2.json"], { cwd: dir });
    expect((await Bun.file(join(dir, "v2.json")).json()).entities.map((e: any) => e.name)).toContain("tag");
    // The app runs the new version.
    expect((await okJson<any[]>(["app", "list"], { cwd: dir }))[0].version).toBe(2);

    const rb = await okJson(["model", "rollback", "Todo", "1"], { cwd: dir });
    expect(rb.version).toBe(3);
    expect((await ok(["model", "diff", "todo@1", "todo@3"], { cwd: dir })).stdout).toContain("identical");
    expect((await ok(["model", "diff", "todo@2", "todo@3"], { cwd: dir })).stdout).toContain("- entity tag");
    expect(await okJson<any[]>(["model", "versions", "Todo"], { cwd: dir })).toHaveLength(3);
    expect((await okJson<any[]>(["app", "list"], { cwd: dir }))[0].version).toBe(3);
  });

  test("update refuses a broken file and a stale --expect-version, saving nothing", async () => {
    const dir = tempDir();
    await ok(["init", ".", "--template", "todo"], { cwd: dir });
    const broken = await template("todo");
    broken.startPage = "nowhere";
    const r = await torque(["model", "update", "Todo", await writeJson(dir, "broken.json", broken)], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("nowhere");

    const { b } = await twoVersions(dir);
    const stale = await torque(["model", "update", "Todo", b, "--expect-version", "5"], { cwd: dir });
    expect(stale.code).toBe(1);
    expect(await okJson<any[]>(["model", "versions", "Todo"], { cwd: dir })).toHaveLength(1);
    expect((await okJson(["model", "update", "Todo", b, "--expect-version", "1"], { cwd: dir })).version).toBe(2);
  });

  test("rollback to a version that does not exist exits 1 and saves nothing", async () => {
    const dir = tempDir();
    const m = await okJson(["model", "create", "Shop"], { cwd: dir });
    const r = await torque(["model", "rollback", m.id, "9"], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("9");
    expect(await okJson<any[]>(["model", "versions", m.id], { cwd: dir })).toHaveLength(1);
  });
});
