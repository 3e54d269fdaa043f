// PostgreSQL picks its own plans for grid pages; these tests hold the three things Torque
// does so that it picks well (and that the answers stay the exact rule's whichever way):
// statistics on each indexed field's expression, every sort key in a keyset segment's
// ORDER BY, and a count of a text filter's matches before choosing how to read them.
import { describe, expect, test } from "bun:test";
import { onPostgres } from "../../../tests/helpers/db";
import { templates } from "../../model/templates";
import { buildPageQuery, PROBE_CAP } from "../../store/entities/query";
import type { Actor } from "../actor";
import type { TestServices } from "../testing";
import { testServices } from "./test-kit";

const actor: Actor = { kind: "cli", id: "tester" };
const fresh = testServices("torque-pg-plans-", actor);

const plan = async (t: TestServices, sql: string, params: unknown[]) =>
  (await t.db.all<Record<string, string>>(`EXPLAIN ${sql}`, params as never)).map((r) => Object.values(r)[0]).join("\n");
const statistics = async (t: TestServices, appId: number) =>
  (await t.db.all<{ name: string }>("SELECT stxname AS name FROM pg_statistic_ext WHERE stxname LIKE ?", [`st\\_${appId}\\_%`])).map((r) => r.name);

describe.if(onPostgres)("PostgreSQL's plans for grid pages", () => {
  let t: TestServices;
  let appId: number;
  const N = 6000;
  const titles: { title: string; status: string; due?: string }[] = [];

  test("each indexed field gets statistics on its expression, filled by ANALYZE, kept in line with the model", async () => {
    t = await fresh(templates.todo, "todo");
    const p = await t.entities.create("todo", "project", { name: "P" }, { actor });
    for (let i = 0; i < N; i++)
      titles.push({
        title: `${i % 3 === 0 ? "Alpha" : "beta"} ${String(i).padStart(5, "0")}`,
        status: i % 10 === 0 ? "open" : ["doing", "done"][i % 2]!,
        ...(i % 4 === 0 ? {} : { due: `2025-${String(1 + (i % 12)).padStart(2, "0")}-${String(1 + (i % 28)).padStart(2, "0")}` }),
      });
    await t.entities.insertMany(
      "todo",
      "task",
      titles.map((r) => ({ ...r, project: p.id })),
      { actor },
    );
    await t.db.settle();
    appId = (await t.apps.runtime("todo")).id;
    const names = await statistics(t, appId);
    expect(names.length).toBeGreaterThan(10);
    // Filled: the planner knows that a tenth of the tasks are open.
    const filled = await t.db.all<{ n: number }>(
      "SELECT count(*) AS n FROM pg_stats_ext_exprs WHERE statistics_name = ANY(string_to_array(?, ',')) AND most_common_vals IS NOT NULL",
      [names.join(",")],
    );
    expect(Number(filled[0]!.n)).toBeGreaterThan(0);
    // A field no longer indexed gives its statistics up; the app's deletion takes them all.
    const m = await t.models.get("todo");
    const doc = structuredClone(m.doc);
    const task = doc.entities.find((e) => e.name === "task")!;
    task.fields = task.fields.map((f) => (f.name === "priority" ? { ...f, indexed: false } : f));
    await t.models.save(m.id, doc, actor);
    expect((await statistics(t, appId)).length).toBe(names.length - 1);
  });

  test("a filter on a common value, sorted by another field, walks the sort's index (no sort of every match)", async () => {
    const rt = await t.apps.runtime("todo");
    const q = buildPageQuery(rt.id, rt.model.entities.get("task")!, t.db.dialect, {
      filter: { status: "doing" },
      sort: [{ field: "title", dir: "asc" }],
      limit: 10,
    });
    const p = await plan(t, q.parts[0]!.sql, [...q.parts[0]!.params, 11]);
    expect(p).toMatch(/Index Scan using entities_p\d_/);
    expect(p).not.toMatch(/Sort/);
  });

  test("a keyset page inside a run of empty values is read in the index's order, not sorted", async () => {
    const rt = await t.apps.runtime("todo");
    const ent = rt.model.entities.get("task")!;
    const opts = { filter: { status: "doing" }, sort: [{ field: "due", dir: "asc" as const }], limit: 20 };
    const first = await t.entities.query("todo", "task", opts);
    expect(first.data[0]!.data.due).toBeUndefined(); // empty dues come first ascending
    const q = buildPageQuery(rt.id, ent, t.db.dialect, { ...opts, cursor: first.pagination.nextCursor });
    const inNulls = q.parts.find((part) => part.sql.includes("IS NULL AND id >"))!;
    const p = await plan(t, inNulls.sql, [...inNulls.params, 21]);
    expect(p).not.toMatch(/Sort/);
    // And every page, walked to the end, is the exact order.
    const expected = titles
      .map((r, i) => ({ ...r, i }))
      .filter((r) => r.status === "doing")
      .sort((a, b) => (a.due ?? "").localeCompare(b.due ?? "") || 0);
    let cursor: string | null | undefined;
    const seen: string[] = [];
    do {
      const page = await t.entities.query("todo", "task", { ...opts, limit: 400, cursor });
      seen.push(...page.data.map((r) => `${r.data.due ?? ""}`));
      cursor = page.pagination.nextCursor;
    } while (cursor);
    expect(seen).toEqual(expected.map((r) => r.due ?? ""));
  });

  test("a text filter's matches are counted first: few are found by the trigram index and sorted, many by walking the sort's index", async () => {
    const rt = await t.apps.runtime("todo");
    const ent = rt.model.entities.get("task")!;
    const exact = (pred: (title: string) => boolean, dir: "asc" | "desc") =>
      titles
        .map((r) => r.title)
        .filter(pred)
        .sort((a, b) => (dir === "asc" ? (a < b ? -1 : 1) : a < b ? 1 : -1));
    const cases = [
      { filter: { title: { startsWith: "alpha 0123" } }, pred: (s: string) => s.toLowerCase().startsWith("alpha 0123"), few: true },
      { filter: { title: { contains: "BETA" } }, pred: (s: string) => s.toLowerCase().includes("beta"), few: false },
    ];
    for (const c of cases) {
      expect(exact(c.pred, "asc").length < PROBE_CAP).toBe(c.few);
      const q = buildPageQuery(rt.id, ent, t.db.dialect, { filter: c.filter, sort: [{ field: "title", dir: "desc" }], limit: 10 });
      expect(q.probe).toBeDefined();
      if (c.few) expect(await plan(t, q.probe!.few[0]!.sql, [...q.probe!.few[0]!.params, 11])).toMatch(/Bitmap Index Scan/);
      for (const dir of ["asc", "desc"] as const) {
        const want = exact(c.pred, dir);
        const got: string[] = [];
        let cursor: string | null | undefined;
        do {
          const page = await t.entities.query("todo", "task", { filter: c.filter, sort: [{ field: "title", dir }], limit: 700, cursor });
          got.push(...page.data.map((r) => r.data.title as string));
          cursor = page.pagination.nextCursor;
        } while (cursor);
        expect(got).toEqual(want);
      }
    }
  });

  test("deleting the app drops its statistics", async () => {
    await t.apps.delete("todo", actor);
    expect(await statistics(t, appId)).toEqual([]);
  });
});
