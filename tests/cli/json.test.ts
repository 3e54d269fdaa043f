// `--json` on every data command (each run for real, its stdout parsed), and option values
// that start with "-": `--sort -priority` as well as `--sort=-priority`.
import { beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import type { Command } from "../../src/cli/command";
import { rootCommand } from "../../src/cli/main";
import { ok, okJson, tempDir, torque, writeJson } from "../helpers/cli";

const dir = tempDir();
const opts = { cwd: dir };
const j = <T = any>(...args: string[]) => okJson<T>(args, opts);
let project: string;

beforeAll(async () => {
  await ok(["init", ".", "--template", "todo"], opts);
  project = (await j<any>("entity", "list", "todo", "project", "--limit", "1")).data[0].id;
}, 30_000);

/** Leaf commands, as "model list", "app seed", … */
function leaves(cmd: Command, path: string[] = []): { path: string; cmd: Command }[] {
  return cmd.subcommands ? cmd.subcommands.flatMap((c) => leaves(c, [...path, c.name])) : [{ path: path.join(" "), cmd }];
}

test("every command but server and mcp (which serve, not print) declares --json", () => {
  const missing = leaves(rootCommand).filter((l) => !["server", "mcp"].includes(l.path) && l.cmd.options?.json === undefined);
  expect(missing.map((l) => l.path)).toEqual([]);
});

describe("--json output of every data command", () => {
  test("entity list, get, create, update, delete", async () => {
    const created = await j("entity", "create", "todo", "task", "--data", JSON.stringify({ title: "json task", project }));
    expect(created).toMatchObject({ entity: "task", version: 1, data: { title: "json task" } });
    expect(await j("entity", "get", "todo", "task", created.id)).toMatchObject({ id: created.id, data: { title: "json task" } });
    const updated = await j("entity", "update", "todo", "task", created.id, "--data", '{"priority":5}', "--expect-version", "1");
    expect(updated).toMatchObject({ id: created.id, version: 2, data: { priority: 5 } });
    expect((await j("entity", "list", "todo", "task", "--filter", '{"title":"json task"}')).data).toHaveLength(1);
    expect(await j("entity", "delete", "todo", "task", created.id)).toMatchObject({ id: created.id, deleted: true });
  }, 30_000);

  test("model list, create, show, versions, export, validate, diff, update, rollback, import, delete", async () => {
    expect((await j<any[]>("model", "list")).map((m) => m.name)).toEqual(["Todo"]);
    const m = await j("model", "create", "Scratch");
    expect(m).toMatchObject({ name: "Scratch", version: 1 });
    expect(await j("model", "show", "Scratch")).toMatchObject({ id: m.id, model: { name: "Scratch" } });
    expect(await j<any[]>("model", "versions", "Scratch")).toHaveLength(1);
    const exported = await j("model", "export", "Scratch");
    expect(exported).toMatchObject({ name: "Scratch", entities: [] });
    const file = await writeJson(dir, "scratch.json", { ...exported, entities: [{ name: "note", fields: [{ name: "text", type: "text" }] }] });
    expect(await j("model", "export", "Scratch", "--out", join(dir, "out.json"))).toMatchObject({ out: join(dir, "out.json") });
    expect(await j("model", "validate", file)).toMatchObject({ valid: true, issues: [] });
    expect(await j("model", "diff", "Scratch", file)).toMatchObject({ identical: false });
    expect(await j("model", "update", "Scratch", file)).toMatchObject({ version: 2 });
    expect(await j("model", "rollback", "Scratch", "1")).toMatchObject({ version: 3, restored: 1 });
    expect(await j("model", "import", file, "--name", "Imported", "--no-app")).toMatchObject({ model: { name: "Imported" }, app: null });
    expect(await j("model", "delete", "Imported")).toEqual({ deleted: "Imported", appsDeleted: [] });
  }, 30_000);

  test("app list, create, seed, export, import, purge, delete", async () => {
    expect((await j<any[]>("app", "list")).map((a) => a.slug)).toEqual(["todo"]);
    expect(await j("app", "create", "Todo", "--slug", "second")).toMatchObject({ slug: "second", model: "Todo" });
    expect(await j("app", "seed", "second", "--count", "3")).toMatchObject({ app: "second", created: { project: 3, task: 3 } });
    const exported = await j("app", "export", "second");
    expect(exported.entities).toHaveLength(6);
    const file = await writeJson(dir, "second.json", exported);
    expect(await j("app", "export", "second", "--out", join(dir, "second-out.json"))).toMatchObject({ out: join(dir, "second-out.json") });
    expect(await j("app", "import", "third", file)).toMatchObject({ app: "third", created: true });
    expect(await j("app", "purge", "third")).toBeDefined();
    expect(await j("app", "delete", "third")).toEqual({ deleted: "third" });
  }, 30_000);

  test("xflow list, execute, runs, validate; migrate; backup; init", async () => {
    expect(Array.isArray(await j("xflow", "list", "--app", "todo"))).toBe(true);
    const flow = {
      name: "echo",
      nodes: [
        { id: "start", type: "start" },
        { id: "end", type: "end" },
      ],
      edges: [{ from: "start", to: "end" }],
    };
    expect(await j("xflow", "validate", await writeJson(dir, "flow.json", flow))).toEqual({ valid: true, issues: [] });
    const id = (await j<any[]>("app", "list")).find((a) => a.slug === "todo").modelId;
    const model = await j("model", "export", id);
    await ok(["model", "update", id, await writeJson(dir, "todo-echo.json", { ...model, xflows: [...(model.xflows ?? []), flow] })], opts);
    expect(await j("xflow", "execute", "echo", "--app", "todo", "--input", '{"a":1}')).toMatchObject({ status: "succeeded", output: { a: 1 } });
    expect((await j<any[]>("xflow", "runs", "--app", "todo", "--xflow", "echo"))[0]).toMatchObject({ xflow: "echo", status: "succeeded" });
    expect(await j("migrate")).toEqual({ applied: [] });
    expect((await j<any[]>("migrate", "--status")).every((m) => m.applied)).toBe(true);
    expect(await j("backup", join(dir, "copy.db"))).toMatchObject({ backup: join(dir, "copy.db") });
    expect(await okJson(["init", join(dir, "other"), "--template", "blank"], opts)).toMatchObject({ app: "blank" });
  }, 30_000);
});

describe("option values that start with -", () => {
  const priorities = async (...sort: string[]) =>
    (await j<any>("entity", "list", "todo", "task", ...sort, "--limit", "25")).data.map((t: any) => t.data.priority ?? 0);

  test("--sort -priority, -s -priority and --sort=-priority all sort descending", async () => {
    const want = [...(await priorities("--sort", "priority"))].sort((a, b) => b - a);
    expect(want[0]).toBeGreaterThan(want.at(-1)!); // the seeded tasks differ in priority
    expect(await priorities("--sort=-priority")).toEqual(want);
    expect(await priorities("--sort", "-priority")).toEqual(want);
    expect(await priorities("-s", "-priority")).toEqual(want);
  }, 30_000);

  test("a negative number reaches the service's range check (exit 1, like one too large); a missing value stays a usage error", async () => {
    for (const n of ["-5", "1001"]) {
      const r = await torque(["entity", "list", "todo", "task", "--limit", n], opts);
      expect(r.code).toBe(1);
      expect(r.stderr.trim()).toBe("torque: invalid query: limit: limit must be a whole number from 1 to 1,000");
    }
    const word = await torque(["entity", "list", "todo", "task", "--limit", "ten"], opts);
    expect(word.code).toBe(2);
    expect(word.stderr).toContain('--limit takes a whole number, not "ten"');
    const missing = await torque(["entity", "list", "todo", "task", "--sort", "--json"], opts);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("--sort");
  }, 30_000);
});
